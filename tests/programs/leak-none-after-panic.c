/* A program that panics has not ended normally: a task still waiting at the
 * moment of the panic is part of the crash, not a leak (the leak rule is
 * about programs that return with tasks left behind). Here main panics on a
 * double close before it ever feeds the consumer; only the close-of-closed
 * finding is expected. */
/* exits: 2 (the panic) */
#include <knot/knot.h>
#include <stdio.h>

struct stage {
    knot_chan *in;   /* chan int */
    knot_chan *quit; /* chan struct{} */
};

static void consume(void *arg) {
    struct stage *s = arg;
    int v;
    while (knot_chan_recv(s->in, &v)) /* waiting here when main panics */
        printf("got %d\n", v);
}

static void cancel(struct stage *s) { knot_chan_close(s->quit); }

static int configure(struct stage *s, int verbose) {
    if (!verbose) {
        cancel(s);
        return -1;
    }
    return 0;
}

int main(void) {
    static struct stage s;
    s.in = knot_chan_make(sizeof(int), 0);
    s.quit = knot_chan_make(0, 0);
    knot_go(consume, &s);
    knot_sleep(5);
    if (configure(&s, 0) != 0)
        knot_chan_close(s.quit); // want: close-of-closed
    knot_chan_close(s.in);       /* not reached */
    return 0;
}
