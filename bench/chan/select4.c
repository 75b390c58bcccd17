/*
 * select4: 4 producers each send on their own unbuffered channel; main takes
 * from whichever is ready with one 4-way select. Producer k sends the values
 * v in 1..N with v % 4 == k % 4, then closes; a closed case is disabled by
 * making it nil, the Go idiom. This measures select's cost: enqueueing on
 * four channels, being woken by one, and dequeuing from the rest.
 *
 * usage: bench_select4 [N=500000]   prints the sum of 1..N
 */
#include "bench.h"

enum { PRODUCERS = 4 };

struct job {
    knot_chan *ch;
    uint64_t first, n;
    knot_wg *wg;
};

static void producer(void *arg) {
    struct job *j = arg;
    for (uint64_t v = j->first; v <= j->n; v += PRODUCERS)
        knot_chan_send(j->ch, &v);
    knot_chan_close(j->ch);
    knot_wg_done(j->wg);
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 500000, 1);
    knot_chan *ch[PRODUCERS];
    uint64_t val[PRODUCERS]; /* one slot per case, like Go's per-case v */
    knot_case cases[PRODUCERS];
    knot_wg wg = {0};

    knot_wg_add(&wg, PRODUCERS);
    for (int k = 0; k < PRODUCERS; k++) {
        ch[k] = bench_chan(0);
        cases[k] = KNOT_CASE_RECV(ch[k], &val[k]);
        struct job j = {ch[k], (uint64_t)k + 1, n, &wg};
        bench_go(producer, &j, sizeof j);
    }

    uint64_t sum = 0;
    for (int open = PRODUCERS; open > 0;) {
        int i = knot_select(cases, PRODUCERS);
        if (cases[i].ok) {
            sum += val[i];
        } else {
            cases[i].ch = NULL; /* nil: this case never fires again */
            open--;
        }
    }

    knot_wg_wait(&wg);
    for (int k = 0; k < PRODUCERS; k++)
        knot_chan_free(ch[k]);
    bench_print(sum);
    return 0;
}
