/* pigz's pattern: each job has a mutex and a condition variable of its own,
 * made with pthread_*_init, used by two threads, destroyed and freed when the
 * job is done; the next job's pair lands at the same address. Each job's
 * cond is used with its own mutex only: nothing is wrong, and the two jobs'
 * conds are two objects, not one cond used with two mutexes. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct job {
    pthread_mutex_t mu;
    pthread_cond_t done_cv;
    int done;
};

static void *finish(void *arg) {
    struct job *j = arg;
    pthread_mutex_lock(&j->mu);
    j->done = 1;
    pthread_cond_signal(&j->done_cv);
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

/* One job: waited for by main, finished by a helper thread. Returns where
 * it was, to tell whether the next one reused its memory. */
static void *run_job(void) {
    struct job *j = malloc(sizeof *j);
    if (!j)
        exit(1);
    pthread_mutex_init(&j->mu, NULL);
    pthread_cond_init(&j->done_cv, NULL);
    j->done = 0;
    pthread_mutex_lock(&j->mu); /* before the helper starts: the wait below waits */
    pthread_t helper;
    if (pthread_create(&helper, NULL, finish, j) != 0)
        exit(1);
    while (!j->done)
        pthread_cond_wait(&j->done_cv, &j->mu);
    pthread_mutex_unlock(&j->mu);
    pthread_join(helper, NULL);
    pthread_cond_destroy(&j->done_cv);
    pthread_mutex_destroy(&j->mu);
    free(j);
    return j;
}

int main(void) {
    void *first = run_job();
    void *second = run_job();
    printf("the second job %s the first one's memory\n",
           first == second ? "reused" : "did not reuse");
    return 0;
}
