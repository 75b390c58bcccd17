/* A recursive mutex stays held until its last unlock: the first thread takes
 * the registry lock twice, releases it once, and still holds it while it
 * takes the cache lock. The second thread, later, takes the cache lock and
 * then the registry lock: the orders are opposite, and another schedule
 * deadlocks. */
#define _GNU_SOURCE
#include <knot/knot.h>
#include <pthread.h>

static pthread_mutex_t registry_mu, cache_mu = PTHREAD_MUTEX_INITIALIZER;

static void *refresher(void *arg) {
    (void)arg;
    pthread_mutex_lock(&registry_mu);
    pthread_mutex_lock(&registry_mu); /* a helper relocks it */
    pthread_mutex_unlock(&registry_mu);
    pthread_mutex_lock(&cache_mu); /* the registry lock is still held */
    pthread_mutex_unlock(&cache_mu);
    pthread_mutex_unlock(&registry_mu);
    return NULL;
}

static void *evictor(void *arg) {
    (void)arg;
    knot_sleep(50);
    pthread_mutex_lock(&cache_mu);
    pthread_mutex_lock(&registry_mu); // want: predicted lock-order
    pthread_mutex_unlock(&registry_mu);
    pthread_mutex_unlock(&cache_mu);
    return NULL;
}

int main(void) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&registry_mu, &attr);
    pthread_t a, b;
    if (pthread_create(&a, NULL, refresher, NULL) != 0 ||
        pthread_create(&b, NULL, evictor, NULL) != 0)
        return 1;
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
