/* Uses the installed header and library: a pipeline through two tasks. */
#include <knot/knot.h>
#include <stdio.h>

static void squares(void *out) {
    for (long i = 1; i <= 10; i++) {
        long sq = i * i;
        knot_chan_send(out, &sq);
    }
    knot_chan_close(out);
}

int main(void) {
    knot_chan *ch = knot_chan_make(sizeof(long), 0);
    knot_go(squares, ch);
    long v, sum = 0;
    while (knot_chan_recv(ch, &v))
        sum += v;
    knot_chan_free(ch);
    printf("sum of squares: %ld\n", sum);
    return sum == 385 ? 0 : 1;
}
