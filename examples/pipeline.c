/*
 * pipeline — mirrors gopl.io ch8 "pipeline3" (section 8.4): three stages
 * joined by two unbuffered channels, counter -> squarer -> printer.
 *
 * What it shows:
 *   - each stage owns the channel it writes to and is the one that closes it;
 *   - `while (knot_chan_recv(ch, &x))` is Go's `for x := range ch`: the loop
 *     ends once the channel is closed and every value sent has been taken;
 *   - the close ripples down the pipeline, so the program ends by itself.
 *
 * The counter stops at LIMIT, so the last line printed is (LIMIT-1)^2.
 */
#include <knot/knot.h>

#include <stdio.h>
#include <stdlib.h>

enum { LIMIT = 100 };

struct stage {
    knot_chan *in; /* NULL for the first stage */
    knot_chan *out;
};

/* First stage: emit 0..LIMIT-1, then close so the next stage's loop ends. */
static void counter(void *arg) {
    struct stage *s = arg;
    for (int x = 0; x < LIMIT; x++)
        knot_chan_send(s->out, &x);
    knot_chan_close(s->out);
}

/* Middle stage: range over its input, square, forward; close when drained. */
static void squarer(void *arg) {
    struct stage *s = arg;
    int x;
    while (knot_chan_recv(s->in, &x)) {
        int sq = x * x;
        knot_chan_send(s->out, &sq);
    }
    knot_chan_close(s->out);
}

/* Last stage runs in main: it only reads, so it never closes anything. */
static void printer(knot_chan *in) {
    int x;
    while (knot_chan_recv(in, &x))
        printf("%d\n", x);
}

int main(void) {
    knot_chan *naturals = knot_chan_make(sizeof(int), 0);
    knot_chan *squares = knot_chan_make(sizeof(int), 0);
    if (naturals == NULL || squares == NULL) {
        fputs("pipeline: out of memory\n", stderr);
        return EXIT_FAILURE;
    }
    knot_chan_name(naturals, "naturals");
    knot_chan_name(squares, "squares");

    /* Both stages outlive nothing but main's frame, so stack storage is fine. */
    struct stage count_stage = {NULL, naturals};
    struct stage square_stage = {naturals, squares};
    if (knot_go(counter, &count_stage) != 0 || knot_go(squarer, &square_stage) != 0) {
        fputs("pipeline: cannot start task\n", stderr);
        return EXIT_FAILURE;
    }

    printer(squares);

    /* Both channels are closed and drained, so no task can block on them
     * again: safe to free (Go leaves this to its garbage collector). */
    knot_chan_free(squares);
    knot_chan_free(naturals);
    return EXIT_SUCCESS;
}
