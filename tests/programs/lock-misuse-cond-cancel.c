/* lock-misuse-cond-cancel-fixed.c without the cleanup handler: cancelled in
 * pthread_cond_wait, the worker gets the mutex back from libc and ends with
 * it held. Anyone locking it afterwards waits forever; main here only tries
 * it. */
#include <errno.h>
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t jobs_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t jobs_cond = PTHREAD_COND_INITIALIZER;
static int jobs;

static void *worker(void *arg) {
    (void)arg;
    pthread_mutex_lock(&jobs_mu);
    while (jobs == 0)
        pthread_cond_wait(&jobs_cond, &jobs_mu); // want: lock-misuse
    jobs--;
    pthread_mutex_unlock(&jobs_mu);
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
    if (pthread_mutex_trylock(&jobs_mu) == EBUSY)
        fputs("jobs lock still held by the cancelled worker\n", stderr);
    else
        pthread_mutex_unlock(&jobs_mu);
    return 0;
}
