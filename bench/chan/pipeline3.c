/*
 * pipeline3: generator -> square -> sum, joined by unbuffered channels. Each
 * item crosses two rendezvous and the middle stage both receives and sends,
 * so this measures hand-offs chained through a task that is alternately
 * blocked on either side.
 *
 * usage: bench_pipeline3 [N=500000]   prints the sum of v*v for v in 1..N
 *                                     (mod 2^64, as in Go's uint64)
 */
#include "bench.h"

struct stage {
    knot_chan *in, *out;
    uint64_t n;
    knot_wg *wg;
};

static void generate(void *arg) {
    struct stage *s = arg;
    for (uint64_t v = 1; v <= s->n; v++)
        knot_chan_send(s->out, &v);
    knot_chan_close(s->out);
    knot_wg_done(s->wg);
}

static void square(void *arg) {
    struct stage *s = arg;
    uint64_t v;
    while (knot_chan_recv(s->in, &v)) {
        v *= v;
        knot_chan_send(s->out, &v);
    }
    knot_chan_close(s->out);
    knot_wg_done(s->wg);
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 500000, 1);
    knot_chan *nums = bench_chan(0), *squares = bench_chan(0);
    knot_wg wg = {0};

    knot_wg_add(&wg, 2);
    bench_go(generate, &(struct stage){NULL, nums, n, &wg}, sizeof(struct stage));
    bench_go(square, &(struct stage){nums, squares, n, &wg}, sizeof(struct stage));

    uint64_t sum = 0, v;
    while (knot_chan_recv(squares, &v))
        sum += v;

    knot_wg_wait(&wg);
    knot_chan_free(nums);
    knot_chan_free(squares);
    bench_print(sum);
    return 0;
}
