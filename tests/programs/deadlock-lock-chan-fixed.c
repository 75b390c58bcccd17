/* deadlock-lock-chan.c with the send moved out of the critical section: the
 * refresher updates the generation under the lock and publishes after the
 * unlock, so it never blocks while holding c->mu. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

struct cache {
    pthread_mutex_t mu;
    int generation;
    knot_chan *entries; /* chan int, unbuffered */
    knot_wg done;
};

static void publish(struct cache *c, int entry) { knot_chan_send(c->entries, &entry); }

static void refresher(void *arg) {
    struct cache *c = arg;
    publish(c, 1);
    knot_sleep(20);
    pthread_mutex_lock(&c->mu);
    c->generation++;
    pthread_mutex_unlock(&c->mu);
    publish(c, 2);
    knot_wg_done(&c->done);
}

static void consumer(void *arg) {
    struct cache *c = arg;
    int entry;
    knot_chan_recv(c->entries, &entry);
    printf("consumer: entry %d\n", entry);
    knot_sleep(50);
    pthread_mutex_lock(&c->mu);
    int gen = c->generation;
    pthread_mutex_unlock(&c->mu);
    knot_chan_recv(c->entries, &entry);
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
