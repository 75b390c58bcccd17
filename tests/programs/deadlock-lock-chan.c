/* A cache refresher and a consumer share a mutex and an unbuffered channel.
 * The refresher publishes an entry while holding the cache lock; the
 * consumer, which already took one entry, wants the lock before it receives
 * the next. The refresher waits for the consumer's receive, the consumer
 * waits for the refresher's unlock: a cycle through a lock and a channel.
 * Nothing else runs, so the live detector ends the program (status 2). */
/* exits: 2 (the deadlock detector ends it) */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

struct cache {
    pthread_mutex_t mu;
    int generation;
    knot_chan *entries; /* chan int, unbuffered */
    knot_wg done;
};

static void publish(struct cache *c, int entry) {
    knot_chan_send(c->entries, &entry); // want: deadlock
}

static void refresher(void *arg) {
    struct cache *c = arg;
    publish(c, 1); /* the first entry goes out without the lock */
    knot_sleep(20);
    pthread_mutex_lock(&c->mu);
    c->generation++;
    publish(c, 2); /* BUG: blocks while holding c->mu */
    pthread_mutex_unlock(&c->mu);
    knot_wg_done(&c->done);
}

static void consumer(void *arg) {
    struct cache *c = arg;
    int entry;
    knot_chan_recv(c->entries, &entry);
    printf("consumer: entry %d\n", entry);
    knot_sleep(50); /* the refresher holds the lock by now */
    pthread_mutex_lock(&c->mu);
    int gen = c->generation;
    knot_chan_recv(c->entries, &entry);
    pthread_mutex_unlock(&c->mu);
    printf("consumer: entry %d of generation %d\n", entry, gen);
    knot_wg_done(&c->done);
}

int main(void) {
    static struct cache c = {.mu = PTHREAD_MUTEX_INITIALIZER};
    c.entries = knot_chan_make(sizeof(int), 0);
    knot_chan_name(c.entries, "entries");
    knot_wg_add(&c.done, 2);
    knot_go(refresher, &c);
    knot_go(consumer, &c);
    knot_wg_wait(&c.done);
    knot_chan_free(c.entries);
    return 0;
}
