/* A helper parked on a condition variable is idle, not leaked (see
 * tests/leak/) - unless others wait for it. Here the cache refresher waits
 * for a "refresh" signal that never comes while it still holds the cache's
 * lock, so the reader that wants the cache is stuck behind it: both are
 * blocked forever, and both are warnings. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t signal_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t refresh = PTHREAD_COND_INITIALIZER;
static pthread_cond_t parked_cv = PTHREAD_COND_INITIALIZER;
static int cache, wanted, parked;

static void *refresher(void *arg) {
    (void)arg;
    pthread_mutex_lock(&cache_mu); /* BUG: held across the wait below */
    pthread_mutex_lock(&signal_mu);
    parked = 1;                      /* main waits for this; the wait below is recorded before */
    pthread_cond_signal(&parked_cv); /* signal_mu is let go */
    while (!wanted)
        pthread_cond_wait(&refresh, &signal_mu); // want: leak
    pthread_mutex_unlock(&signal_mu);
    cache++;
    pthread_mutex_unlock(&cache_mu);
    return NULL;
}

static void *reader(void *arg) {
    (void)arg;
    pthread_mutex_lock(&cache_mu); // want: leak
    printf("cache %d\n", cache);
    pthread_mutex_unlock(&cache_mu);
    return NULL;
}

int main(void) {
    pthread_t a, b;
    if (pthread_create(&a, NULL, refresher, NULL) != 0)
        return 1;
    pthread_mutex_lock(&signal_mu); /* the refresher is parked (holding the cache, if buggy) */
    while (!parked)
        pthread_cond_wait(&parked_cv, &signal_mu);
    pthread_mutex_unlock(&signal_mu);
    if (pthread_create(&b, NULL, reader, NULL) != 0)
        return 1;
    usleep(50 * 1000); /* and the reader waits for it */
    return 0;
}
