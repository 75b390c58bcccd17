/* A robust mutex used as intended: a worker dies (returns) while it holds
 * the shared table's lock; the next locker gets EOWNERDEAD, repairs the
 * table and makes the mutex consistent. The owner's death is what a robust
 * mutex is for, and it was handled: nothing is reported. */
#include <errno.h>
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t table_mu;
static int entries, torn;

static void *crashing_worker(void *arg) {
    (void)arg;
    pthread_mutex_lock(&table_mu);
    torn = 1; /* dies half-way through an update */
    return NULL;
}

int main(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&table_mu, &a);
    pthread_mutexattr_destroy(&a);
    pthread_t t;
    if (pthread_create(&t, NULL, crashing_worker, NULL) != 0)
        return 1;
    pthread_join(t, NULL);
    if (pthread_mutex_lock(&table_mu) == EOWNERDEAD) {
        torn = 0; /* repair */
        pthread_mutex_consistent(&table_mu);
    }
    entries++;
    pthread_mutex_unlock(&table_mu);
    printf("%d entries, torn %d\n", entries, torn);
    return 0;
}
