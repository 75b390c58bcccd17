/* Sixty-four mutexes taken nested in one consistent order, by two threads:
 * the lock-order graph is a long chain with thousands of paths and no cycle.
 * Nothing to report, and the search must not enumerate the paths. */
#include <pthread.h>
#include <stdio.h>

enum { LOCKS = 64 };
static pthread_mutex_t mu[LOCKS];

static void *take_all(void *arg) {
    (void)arg;
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_lock(&mu[i]);
    for (int i = LOCKS - 1; i >= 0; i--)
        pthread_mutex_unlock(&mu[i]);
    return NULL;
}

int main(void) {
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_init(&mu[i], NULL);
    pthread_t a, b;
    if (pthread_create(&a, NULL, take_all, NULL) != 0 ||
        pthread_create(&b, NULL, take_all, NULL) != 0)
        return 1;
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    puts("done");
    return 0;
}
