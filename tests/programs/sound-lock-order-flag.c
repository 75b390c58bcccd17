/* The migration runs only after the loader has finished, which it learns by
 * polling a flag under its own mutex: the two opposite-order sections can
 * never overlap. The flag's mutex is never nested, so it still orders them;
 * only locks that can be on a cycle are left out of that judgement. The
 * opposite orders remain a latent inversion, a note. */
#include <knot/knot.h>
#include <pthread.h>

static pthread_mutex_t schema_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t data_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t state_mu = PTHREAD_MUTEX_INITIALIZER;
static int loaded;

static void *loader(void *arg) {
    (void)arg;
    pthread_mutex_lock(&schema_mu);
    pthread_mutex_lock(&data_mu);
    pthread_mutex_unlock(&data_mu);
    pthread_mutex_unlock(&schema_mu);
    pthread_mutex_lock(&state_mu);
    loaded = 1;
    pthread_mutex_unlock(&state_mu);
    return NULL;
}

static void *migrator(void *arg) {
    (void)arg;
    for (int done = 0; !done; knot_sleep(1)) {
        pthread_mutex_lock(&state_mu);
        done = loaded;
        pthread_mutex_unlock(&state_mu);
    }
    pthread_mutex_lock(&data_mu);
    pthread_mutex_lock(&schema_mu); // want: lock-order-latent
    pthread_mutex_unlock(&schema_mu);
    pthread_mutex_unlock(&data_mu);
    return NULL;
}

int main(void) {
    pthread_t load, migrate;
    if (pthread_create(&migrate, NULL, migrator, NULL) != 0)
        return 1;
    knot_sleep(20);
    if (pthread_create(&load, NULL, loader, NULL) != 0)
        return 1;
    pthread_join(load, NULL);
    pthread_join(migrate, NULL);
    return 0;
}
