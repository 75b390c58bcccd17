/*
 * buffered: one producer streams 1..N through a buffered channel to main.
 * With cap 1 nearly every operation hands off to the other task; with a big
 * cap the tasks mostly work on the buffer, so this measures throughput and
 * how well the runtime avoids waking a task per element.
 *
 * usage: bench_buffered [N=2000000] [cap=128]   prints the sum of 1..N
 */
#include "bench.h"

struct job {
    knot_chan *ch;
    uint64_t n;
    knot_wg *wg;
};

static void producer(void *arg) {
    struct job *j = arg;
    for (uint64_t i = 1; i <= j->n; i++)
        knot_chan_send(j->ch, &i);
    knot_chan_close(j->ch);
    knot_wg_done(j->wg);
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 2000000, 1);
    uint64_t cap = bench_arg(argc, argv, 2, 128, 1); /* cap 0 is pingpong's job */
    knot_wg wg = {0};
    struct job j = {bench_chan(cap), n, &wg};

    knot_wg_add(&wg, 1);
    bench_go(producer, &j, sizeof j);

    uint64_t sum = 0, v;
    while (knot_chan_recv(j.ch, &v))
        sum += v;

    knot_wg_wait(&wg); /* the producer may still be inside close */
    knot_chan_free(j.ch);
    bench_print(sum);
    return 0;
}
