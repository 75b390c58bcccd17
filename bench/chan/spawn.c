/*
 * spawn: N tasks that each send their number once on one unbuffered channel,
 * which main drains. Measures what a task costs to start, park, hand off and
 * end: the price of Go's "a goroutine per item".
 *
 * usage: bench_spawn [N=100000]   prints the sum of 1..N
 */
#include "bench.h"

struct job {
    knot_chan *ch;
    uint64_t v;
};

static void sender(void *arg) {
    struct job *j = arg;
    knot_chan_send(j->ch, &j->v);
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 100000, 1);
    knot_chan *ch = bench_chan(0);
    for (uint64_t i = 1; i <= n; i++) {
        struct job j = {ch, i};
        bench_go(sender, &j, sizeof j);
    }
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v;
        knot_chan_recv(ch, &v);
        sum += v;
    }
    knot_chan_free(ch);
    bench_print(sum);
    return 0;
}
