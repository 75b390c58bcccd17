/* lock-order-single-task-fixed.c's opposite orders, taken by two threads
 * created and joined one after the other, each pair under the store's
 * maintenance lock. The gate serialises the two paths whatever calls them,
 * so even lockdep's view has no deadlock here: neither lock-order nor
 * lock-order-latent reports anything. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

struct store {
    pthread_mutex_t maintenance_mu; /* the gate */
    pthread_mutex_t index_mu;
    pthread_mutex_t journal_mu;
    int index_entries;
    int journal_records;
};

static struct store store = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                             PTHREAD_MUTEX_INITIALIZER, 10, 3};

static void *flush(void *arg) {
    struct store *s = arg;
    pthread_mutex_lock(&s->maintenance_mu);
    pthread_mutex_lock(&s->index_mu);
    pthread_mutex_lock(&s->journal_mu);
    s->journal_records += s->index_entries;
    pthread_mutex_unlock(&s->journal_mu);
    pthread_mutex_unlock(&s->index_mu);
    pthread_mutex_unlock(&s->maintenance_mu);
    return NULL;
}

static void *compact(void *arg) {
    struct store *s = arg;
    pthread_mutex_lock(&s->maintenance_mu);
    pthread_mutex_lock(&s->journal_mu);
    pthread_mutex_lock(&s->index_mu);
    s->index_entries -= s->journal_records / 2;
    pthread_mutex_unlock(&s->index_mu);
    pthread_mutex_unlock(&s->journal_mu);
    pthread_mutex_unlock(&s->maintenance_mu);
    return NULL;
}

int main(void) {
    pthread_t th;
    if (pthread_create(&th, NULL, flush, &store) != 0 || pthread_join(th, NULL) != 0)
        return 1;
    compact(&store); /* main, after the join: ordered, and gated */
    printf("index %d, journal %d\n", store.index_entries, store.journal_records);
    return 0;
}
