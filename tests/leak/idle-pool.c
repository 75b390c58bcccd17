/* A thread pool as libuv and many servers write it: a queue under a mutex,
 * workers that wait on a condition variable for work, a second condition
 * for "all done". main submits, waits for the results and for every worker
 * to be back waiting, and returns, leaving them idle on the condition
 * variable. */
#include <pthread.h>
#include <stdio.h>

enum { WORKERS = 4, ITEMS = 32 };

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static int queued, done, parked;
static long results[ITEMS];

static void *worker(void *arg) {
    (void)arg;
    pthread_mutex_lock(&mu);
    for (;;) {
        while (queued == 0) {
            /* All idle: main may go. The wait below is recorded before it
             * lets mu go, so main sees it in the trace too. */
            if (++parked == WORKERS)
                pthread_cond_signal(&finished);
            pthread_cond_wait(&work, &mu); /* idle here when the program ends */
            parked--;
        }
        int item = --queued;
        pthread_mutex_unlock(&mu);
        results[item] = (long)item * item;
        pthread_mutex_lock(&mu);
        if (++done == ITEMS)
            pthread_cond_signal(&finished);
    }
    return NULL;
}

int main(void) {
    pthread_t th[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        if (pthread_create(&th[i], NULL, worker, NULL) != 0)
            return 1;
    pthread_mutex_lock(&mu);
    queued = ITEMS;
    pthread_cond_broadcast(&work);
    while (done < ITEMS || parked < WORKERS)
        pthread_cond_wait(&finished, &mu);
    pthread_mutex_unlock(&mu);
    long sum = 0;
    for (int i = 0; i < ITEMS; i++)
        sum += results[i];
    printf("%ld\n", sum);
    return 0; /* the workers are never told to stop */
}
