/* A pool fed through semaphores: workers wait on `jobs` for a unit of work
 * and post `results`; main posts the jobs, takes the results and returns,
 * leaving the workers idle on the semaphore - or on their way to it: nothing
 * tells main they are back waiting, so the note for them is not required.
 * idle-note: optional */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

enum { WORKERS = 2, ITEMS = 16 };

static sem_t jobs, results;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long next_item, sum;

static void *worker(void *arg) {
    (void)arg;
    for (;;) {
        sem_wait(&jobs); /* idle here when the program ends */
        pthread_mutex_lock(&mu);
        long item = next_item++;
        sum += item;
        pthread_mutex_unlock(&mu);
        sem_post(&results);
    }
    return NULL;
}

int main(void) {
    sem_init(&jobs, 0, 0);
    sem_init(&results, 0, 0);
    pthread_t th[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        if (pthread_create(&th[i], NULL, worker, NULL) != 0)
            return 1;
    for (int i = 0; i < ITEMS; i++)
        sem_post(&jobs);
    for (int i = 0; i < ITEMS; i++)
        sem_wait(&results);
    pthread_mutex_lock(&mu);
    printf("%ld\n", sum);
    pthread_mutex_unlock(&mu);
    return 0;
}
