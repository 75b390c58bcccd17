/* A wait group and a buffered channel: the happens-before picture must draw
 * the edges the replayer's model uses, not only the pairs the trace records.
 * The producer's second send on a channel of capacity 1 waits for room, so
 * main's first receive comes before it (the k+C edge); the messenger's send
 * on an unbuffered channel completes after main's receive (the messenger's
 * next step, its Done, follows that receive); and main's Wait follows both
 * Dones, not just the last one. No timing: every order here is forced. */
#include <knot/knot.h>

static knot_chan *queue, *ready;
static knot_wg wg;

static void producer(void *arg) {
    (void)arg;
    int first = 1, second = 2;
    knot_chan_send(queue, &first);
    knot_chan_send(queue, &second); /* room only after main's first receive */
    knot_wg_done(&wg);
}

static void messenger(void *arg) {
    (void)arg;
    knot_chan_send(ready, NULL);
    knot_wg_done(&wg); /* after main took the message */
}

int main(void) {
    queue = knot_chan_make(sizeof(int), 1);
    ready = knot_chan_make(0, 0);
    knot_wg_add(&wg, 2);
    knot_go(producer, NULL);
    knot_go(messenger, NULL);
    int v;
    knot_chan_recv(queue, &v);
    knot_chan_recv(queue, &v);
    knot_chan_recv(ready, NULL);
    knot_wg_wait(&wg);
    return 0;
}
