/* One thread takes index then journal, and later journal then index. The
 * lock-order graph has a cycle, but both edges belong to one thread, which
 * cannot wait for itself: no deadlock is possible in this program, and
 * lock-order stays silent. The two paths still deadlock if two threads ever
 * run them at once (lockdep's view): a latent inversion, reported as a note.
 * A second thread only ever takes the index lock on its own. */
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

static void flush(struct store *s) {
    pthread_mutex_lock(&s->index_mu);
    pthread_mutex_lock(&s->journal_mu);
    s->journal_records += s->index_entries;
    pthread_mutex_unlock(&s->journal_mu);
    pthread_mutex_unlock(&s->index_mu);
}

static void compact(struct store *s) {
    pthread_mutex_lock(&s->journal_mu);
    pthread_mutex_lock(&s->index_mu); // want: lock-order-latent
    s->index_entries -= s->journal_records / 2;
    pthread_mutex_unlock(&s->index_mu);
    pthread_mutex_unlock(&s->journal_mu);
}

static void *maintenance(void *arg) {
    struct store *s = arg;
    flush(s);
    usleep(5 * 1000);
    compact(s);
    return NULL;
}

static void *reader(void *arg) {
    struct store *s = arg;
    usleep(10 * 1000);
    pthread_mutex_lock(&s->index_mu);
    int n = s->index_entries;
    pthread_mutex_unlock(&s->index_mu);
    printf("reader: %d index entries\n", n);
    return NULL;
}

int main(void) {
    pthread_t m, r;
    if (pthread_create(&m, NULL, maintenance, &store) != 0)
        return 1;
    if (pthread_create(&r, NULL, reader, &store) != 0)
        return 1;
    pthread_join(m, NULL);
    pthread_join(r, NULL);
    return 0;
}
