/* A send ordered before the close by a mutex, which must produce no
 * finding: publishers check a `closed` flag and send under the bus lock, and
 * shutdown sets the flag and closes the channel under the same lock. Any
 * send that happens at all happens before the close (unlock -> next lock).
 * The channel is buffered, so no send blocks while the lock is held. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

enum { PUBLISHERS = 3, EVENTS = 4 };

struct bus {
    pthread_mutex_t mu;
    bool closed;
    knot_chan *events; /* chan int, capacity PUBLISHERS * EVENTS */
    knot_wg wg;
};

static bool publish(struct bus *b, int ev) {
    pthread_mutex_lock(&b->mu);
    bool ok = !b->closed;
    if (ok)
        knot_chan_send(b->events, &ev);
    pthread_mutex_unlock(&b->mu);
    return ok;
}

static void shutdown_bus(struct bus *b) {
    pthread_mutex_lock(&b->mu);
    b->closed = true;
    knot_chan_close(b->events);
    pthread_mutex_unlock(&b->mu);
}

static void publisher(void *arg) {
    struct bus *b = arg;
    for (int i = 0; i < EVENTS; i++) {
        if (!publish(b, i))
            break;
        knot_sleep(4);
    }
    knot_wg_done(&b->wg);
}

int main(void) {
    static struct bus b = {.mu = PTHREAD_MUTEX_INITIALIZER};
    b.events = knot_chan_make(sizeof(int), PUBLISHERS * EVENTS);
    knot_chan_name(b.events, "events");
    for (int i = 0; i < PUBLISHERS; i++) {
        knot_wg_add(&b.wg, 1);
        knot_go(publisher, &b);
    }
    knot_sleep(6); /* shut down while the publishers are still running */
    shutdown_bus(&b);
    int n = 0;
    while (knot_chan_recv(b.events, NULL))
        n++;
    knot_wg_wait(&b.wg);
    printf("%d event(s) delivered before shutdown\n", n);
    knot_chan_free(b.events);
    return 0;
}
