/* The two opposite orders of lock-order-abba.c, but in phases: main joins the
 * flusher before it creates the compactor. The join orders every acquisition
 * of the first thread before every acquisition of the second, so no schedule
 * can overlap them: no lock-order deadlock in this program, only a latent
 * inversion (a note) should the phases ever overlap. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

struct store {
    pthread_mutex_t index_mu;
    pthread_mutex_t journal_mu;
    int index_entries;
    int journal_records;
};

static struct store store = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, 10, 3};

static void *flusher(void *arg) {
    struct store *s = arg;
    pthread_mutex_lock(&s->index_mu);
    pthread_mutex_lock(&s->journal_mu);
    s->journal_records += s->index_entries;
    pthread_mutex_unlock(&s->journal_mu);
    pthread_mutex_unlock(&s->index_mu);
    return NULL;
}

static void *compactor(void *arg) {
    struct store *s = arg;
    pthread_mutex_lock(&s->journal_mu);
    pthread_mutex_lock(&s->index_mu); // want: lock-order-latent
    s->index_entries -= s->journal_records / 2;
    pthread_mutex_unlock(&s->index_mu);
    pthread_mutex_unlock(&s->journal_mu);
    return NULL;
}

static int run_phase(void *(*fn)(void *), struct store *s) {
    pthread_t th;
    int rc = pthread_create(&th, NULL, fn, s);
    if (rc != 0)
        return rc;
    return pthread_join(th, NULL);
}

int main(void) {
    if (run_phase(flusher, &store) != 0 || run_phase(compactor, &store) != 0) {
        fputs("cannot run a phase\n", stderr);
        return 1;
    }
    printf("index %d, journal %d\n", store.index_entries, store.journal_records);
    return 0;
}
