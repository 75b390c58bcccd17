/* The opposite orders of lock-order-abba.c in two knot tasks, ordered by a
 * channel: the flusher announces it is done after releasing both locks, and
 * the compactor starts only when it has received that. The receive orders
 * the flusher's acquisitions before the compactor's: no lock-order deadlock in
 * this program. The two paths still take the locks in opposite orders, and
 * would deadlock if anything else ran them at once: a latent inversion, a
 * note. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

struct store {
    pthread_mutex_t index_mu;
    pthread_mutex_t journal_mu;
    int index_entries;
    int journal_records;
    knot_chan *flushed; /* chan struct{} */
    knot_wg wg;
};

static void flusher(void *arg) {
    struct store *s = arg;
    pthread_mutex_lock(&s->index_mu);
    pthread_mutex_lock(&s->journal_mu);
    s->journal_records += s->index_entries;
    pthread_mutex_unlock(&s->journal_mu);
    pthread_mutex_unlock(&s->index_mu);
    knot_chan_send(s->flushed, NULL);
    knot_wg_done(&s->wg);
}

static void compactor(void *arg) {
    struct store *s = arg;
    knot_chan_recv(s->flushed, NULL);
    pthread_mutex_lock(&s->journal_mu);
    pthread_mutex_lock(&s->index_mu); // want: lock-order-latent
    s->index_entries -= s->journal_records / 2;
    pthread_mutex_unlock(&s->index_mu);
    pthread_mutex_unlock(&s->journal_mu);
    knot_wg_done(&s->wg);
}

int main(void) {
    static struct store s = {.index_mu = PTHREAD_MUTEX_INITIALIZER,
                             .journal_mu = PTHREAD_MUTEX_INITIALIZER,
                             .index_entries = 10,
                             .journal_records = 3};
    s.flushed = knot_chan_make(0, 0);
    knot_wg_add(&s.wg, 2);
    knot_go(compactor, &s);
    knot_go(flusher, &s);
    knot_wg_wait(&s.wg);
    printf("index %d, journal %d\n", s.index_entries, s.journal_records);
    knot_chan_free(s.flushed);
    return 0;
}
