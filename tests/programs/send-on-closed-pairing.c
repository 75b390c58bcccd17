/* The textbook send on a closed channel, on an unbuffered channel: two
 * producers share the results channel and the main producer closes it when
 * it is done, as if it were the only one. In this run the helper's results
 * go first and main's receives take them before the main producer's, so
 * each of the helper's sends is ordered before the close by the receive
 * that happened to take it. A receive could as well have taken the main
 * producer's value first: then the helper's last send comes after the close
 * and panics. */
#include <knot/knot.h>
#include <stdio.h>

enum { CAP = 0, HELPER = 3, MAIN = 6 };

static void helper(void *arg) {
    knot_chan *results = arg;
    for (int i = 0; i < HELPER; i++)
        knot_chan_send(results, &i); // want: predicted send-on-closed
}

static void producer(void *arg) {
    knot_chan *results = arg;
    knot_sleep(20);
    for (int i = 0; i < MAIN; i++)
        knot_chan_send(results, &i);
    knot_chan_close(results); /* BUG: the helper may still be sending */
}

int main(void) {
    knot_chan *results = knot_chan_make(sizeof(int), CAP);
    knot_chan_name(results, "results");
    knot_go(helper, results);
    knot_go(producer, results);
    int v, n = 0, sum = 0;
    while (knot_chan_recv(results, &v)) {
        sum += v;
        n++;
    }
    printf("%d results, sum %d\n", n, sum);
    return 0;
}
