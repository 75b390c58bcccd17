/* A worker waits for jobs on a condition variable and is cancelled while
 * it waits, at shutdown. pthread_cond_wait is a cancellation point: libc
 * takes the mutex back before the cleanup handlers run, so the handler that
 * unlocks it is right, and nothing is reported. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t jobs_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_cond = PTHREAD_COND_INITIALIZER;
static int jobs;

static void unlock_jobs(void *arg) { pthread_mutex_unlock(arg); }

static void *worker(void *arg) {
    (void)arg;
    pthread_mutex_lock(&jobs_mu);
    pthread_cleanup_push(unlock_jobs, &jobs_mu);
    while (jobs == 0)
        pthread_cond_wait(&jobs_cond, &jobs_mu);
    jobs--;
    pthread_cleanup_pop(1);
    return NULL;
}

int main(void) {
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 1;
    usleep(20 * 1000); /* the worker is waiting by now */
    pthread_mutex_lock(&jobs_mu);
    printf("%d jobs at shutdown\n", jobs);
    pthread_mutex_unlock(&jobs_mu);
    pthread_cancel(t);
    pthread_join(t, NULL);
    pthread_mutex_lock(&jobs_mu); /* free again: the handler released it */
    pthread_mutex_unlock(&jobs_mu);
    return 0;
}
