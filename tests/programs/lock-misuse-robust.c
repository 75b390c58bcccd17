/* lock-misuse-robust-fixed.c where the next locker ignores EOWNERDEAD: it
 * never makes the mutex consistent, so its unlock leaves the mutex
 * unrecoverable (every later lock fails with ENOTRECOVERABLE) and the torn
 * update stays. The owner's death was handled by nobody: reported at the
 * lock the dead owner never released. */
#include <errno.h>
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t table_mu;
static int entries, torn;

static void *crashing_worker(void *arg) {
    (void)arg;
    pthread_mutex_lock(&table_mu); // want: lock-misuse
    torn = 1;                      /* dies half-way through an update */
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
    int rc = pthread_mutex_lock(&table_mu);
    entries++;
    pthread_mutex_unlock(&table_mu);
    printf("lock said %d; %d entries, torn %d\n", rc, entries, torn);
    return 0;
}
