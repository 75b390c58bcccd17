/* The compactor of lock-order-abba.c takes its second lock with trylock and
 * backs off when it is busy (release, take both in the canonical order). A
 * trylock never waits, so the journal -> index edge cannot close a deadlock
 * cycle. */
#include <errno.h>
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

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

/* journal_mu is held on entry; on return both locks are held. */
static void take_index(struct store *s) {
    if (pthread_mutex_trylock(&s->index_mu) == 0)
        return;
    pthread_mutex_unlock(&s->journal_mu); /* back off, then the canonical order */
    pthread_mutex_lock(&s->index_mu);
    pthread_mutex_lock(&s->journal_mu);
}

static void *compactor(void *arg) {
    struct store *s = arg;
    usleep(50 * 1000);
    pthread_mutex_lock(&s->journal_mu);
    take_index(s);
    s->index_entries -= s->journal_records / 2;
    pthread_mutex_unlock(&s->index_mu);
    pthread_mutex_unlock(&s->journal_mu);
    return NULL;
}

int main(void) {
    pthread_t f, c;
    if (pthread_create(&f, NULL, flusher, &store) != 0)
        return 1;
    if (pthread_create(&c, NULL, compactor, &store) != 0)
        return 1;
    pthread_join(f, NULL);
    pthread_join(c, NULL);
    printf("index %d, journal %d\n", store.index_entries, store.journal_records);
    return 0;
}
