/*
 * pingpong: main and one partner bounce a value over two unbuffered channels.
 * Each round trip is two rendezvous, each blocking one task and waking the
 * other, so this measures hand-off latency, not throughput.
 *
 * usage: bench_pingpong [N=200000]   prints the sum of the N replies
 */
#include "bench.h"

struct pair {
    knot_chan *ping, *pong;
    knot_wg *wg;
};

/* Reply v+1 to every v until ping is closed. */
static void ponger(void *arg) {
    struct pair *p = arg;
    uint64_t v;
    while (knot_chan_recv(p->ping, &v)) {
        v++;
        knot_chan_send(p->pong, &v);
    }
    knot_wg_done(p->wg);
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 200000, 1);
    knot_wg wg = {0};
    struct pair p = {bench_chan(0), bench_chan(0), &wg};

    knot_wg_add(&wg, 1);
    bench_go(ponger, &p, sizeof p);

    uint64_t sum = 0;
    for (uint64_t i = 1; i <= n; i++) {
        uint64_t v;
        knot_chan_send(p.ping, &i);
        knot_chan_recv(p.pong, &v);
        sum += v;
    }
    knot_chan_close(p.ping);

    /* Free only once the partner is gone: freeing a channel a task is still
     * using is an error in knot (Go's GC makes this implicit). */
    knot_wg_wait(&wg);
    knot_chan_free(p.ping);
    knot_chan_free(p.pong);
    bench_print(sum);
    return 0;
}
