/* Two threads take the same two locks in opposite orders, but at different
 * times, so this run does not deadlock: the cache flusher takes index then
 * journal and releases both; 50 ms later the compactor takes journal then
 * index. Only sleeps separate them, and a schedule that overlaps the two
 * critical sections deadlocks. */
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

static void *compactor(void *arg) {
    struct store *s = arg;
    usleep(50 * 1000); /* the flusher is long done: no deadlock in this run */
    pthread_mutex_lock(&s->journal_mu);
    pthread_mutex_lock(&s->index_mu); // want: predicted lock-order
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
