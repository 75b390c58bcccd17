/* leak-cond-holding.c fixed: the refresher takes the cache's lock only once
 * it has work, so while it idles on the condition variable nobody waits for
 * it. The program still ends with it parked there, which is a helper left
 * idle: a note, not a warning. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t signal_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t refresh = PTHREAD_COND_INITIALIZER;
static pthread_cond_t parked_cv = PTHREAD_COND_INITIALIZER;
static int cache, wanted, parked;

static void *refresher(void *arg) {
    (void)arg;
    pthread_mutex_lock(&signal_mu);
    parked = 1;                      /* main waits for this; the wait below is recorded before */
    pthread_cond_signal(&parked_cv); /* signal_mu is let go */
    while (!wanted)
        pthread_cond_wait(&refresh, &signal_mu); // want: leak (a note: idle, nobody waits for it)
    pthread_mutex_unlock(&signal_mu);
    pthread_mutex_lock(&cache_mu);
    cache++;
    pthread_mutex_unlock(&cache_mu);
    return NULL;
}

static void *reader(void *arg) {
    (void)arg;
    pthread_mutex_lock(&cache_mu);
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
    pthread_join(b, NULL);
    return 0;
}
