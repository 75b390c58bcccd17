/* gopl's three-stage pipeline (counter -> squarer -> printer), which must
 * produce no finding: each stage is the only sender on its output channel
 * and closes it when its input is exhausted, so every range loop ends. */
#include <knot/knot.h>
#include <stdio.h>

struct stage {
    knot_chan *in;  /* NULL for the first stage */
    knot_chan *out; /* chan int */
};

static void counter(void *arg) {
    const struct stage *s = arg;
    for (int x = 0; x < 10; x++)
        knot_chan_send(s->out, &x);
    knot_chan_close(s->out);
}

static void squarer(void *arg) {
    const struct stage *s = arg;
    int x;
    while (knot_chan_recv(s->in, &x)) {
        int sq = x * x;
        knot_chan_send(s->out, &sq);
    }
    knot_chan_close(s->out);
}

int main(void) {
    knot_chan *naturals = knot_chan_make(sizeof(int), 0);
    knot_chan *squares = knot_chan_make(sizeof(int), 0);
    knot_chan_name(naturals, "naturals");
    knot_chan_name(squares, "squares");
    struct stage first = {NULL, naturals}, second = {naturals, squares};
    knot_go_copy(counter, &first, sizeof first);
    knot_go_copy(squarer, &second, sizeof second);
    long sum = 0;
    int sq;
    while (knot_chan_recv(squares, &sq))
        sum += sq;
    printf("sum of squares %ld\n", sum);
    knot_chan_free(naturals);
    knot_chan_free(squares);
    return 0;
}
