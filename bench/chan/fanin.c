/*
 * fanin: 8 producers send into one channel that main drains. Producer p sends
 * the values v in 1..N with v % 8 == p % 8, so together they send 1..N once.
 * This measures contention: many senders queueing on one channel's lock and
 * wait list, where a lone producer (buffered) has none.
 *
 * usage: bench_fanin [N=2000000] [cap=64]   prints the sum of 1..N
 */
#include "bench.h"

enum { PRODUCERS = 8 };

struct job {
    knot_chan *ch;
    uint64_t first, n;
    knot_wg *wg;
};

static void producer(void *arg) {
    struct job *j = arg;
    for (uint64_t v = j->first; v <= j->n; v += PRODUCERS)
        knot_chan_send(j->ch, &v);
    knot_wg_done(j->wg);
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 2000000, 1);
    uint64_t cap = bench_arg(argc, argv, 2, 64, 0);
    knot_chan *ch = bench_chan(cap);
    knot_wg wg = {0};

    knot_wg_add(&wg, PRODUCERS);
    for (uint64_t p = 1; p <= PRODUCERS; p++) {
        /* knot_go_copy: each task gets its own job, not a loop variable. */
        struct job j = {ch, p, n, &wg};
        bench_go(producer, &j, sizeof j);
    }

    /* main knows the count, so no closer task is needed. */
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v;
        knot_chan_recv(ch, &v);
        sum += v;
    }

    knot_wg_wait(&wg);
    knot_chan_free(ch);
    bench_print(sum);
    return 0;
}
