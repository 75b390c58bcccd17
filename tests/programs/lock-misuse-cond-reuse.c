/* The job pattern of lock-misuse-cond-reuse-fixed.c, with a bug inside one
 * job's life: the second waiter uses the pool's mutex instead of the job's.
 * Objects made and destroyed around it do not hide the misuse. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct job {
    pthread_mutex_t mu;
    pthread_cond_t done_cv;
    int done;
};

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;

static void *finish(void *arg) {
    struct job *j = arg;
    pthread_mutex_lock(&j->mu);
    j->done = 1;
    pthread_cond_broadcast(&j->done_cv);
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

static void run_job(int buggy) {
    struct job *j = malloc(sizeof *j);
    if (!j)
        exit(1);
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->done_cv, NULL);
    j->done = 0;
    pthread_mutex_lock(&j->mu);
    pthread_t helper;
    if (pthread_create(&helper, NULL, finish, j) != 0)
        exit(1);
    while (!j->done)
        pthread_cond_wait(&j->done_cv, &j->mu);
    pthread_mutex_unlock(&j->mu);
    if (buggy) {
        pthread_mutex_lock(&pool_mu);
        struct timespec soon = {0, 0};                        /* already past: returns at once */
        pthread_cond_timedwait(&j->done_cv, &pool_mu, &soon); // want: lock-misuse
        pthread_mutex_unlock(&pool_mu);
    }
    pthread_join(helper, NULL);
    pthread_cond_destroy(&j->done_cv);
    pthread_mutex_destroy(&j->mu);
    free(j);
}

int main(void) {
    run_job(0);
    run_job(1);
    run_job(0);
    puts("done");
    return 0;
}
