/* The Go memory model's unbuffered edge: a receive is synchronised before
 * the send it takes completes. The worker sends its result, then takes the
 * hand-off from main; main closes the results after its hand-off completes,
 * so the result's send is ordered before the close: nothing to predict.
 * Here the worker parks in its receive first; main's send completes it. */
#include <knot/knot.h>
#include <stdio.h>

static knot_chan *results, *handoff;

static void worker(void *arg) {
    (void)arg;
    int v = 7;
    knot_chan_send(results, &v);
    knot_sleep(50);
    knot_chan_recv(handoff, NULL);
}

int main(void) {
    results = knot_chan_make(sizeof(int), 4);
    handoff = knot_chan_make(0, 0);
    knot_go(worker, NULL);
    knot_sleep(0);
    knot_chan_send(handoff, NULL);
    knot_chan_close(results);
    int v;
    while (knot_chan_recv(results, &v))
        printf("result %d\n", v);
    return 0;
}
