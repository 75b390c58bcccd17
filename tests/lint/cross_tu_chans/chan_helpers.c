/* The channel helpers of chan_helpers.h: what each does with the channel it
 * is given is all chan_users.c's findings depend on. */
#include "chan_helpers.h"

#include <stdio.h>

void produce(knot_chan *out, int value) { knot_chan_send(out, &value); }

void produce_range(knot_chan *out, int n) {
    for (int i = 0; i < n; i++)
        knot_chan_send(out, &i);
}

void emit_result(knot_chan *out, int value) {
    printf("result %d\n", value);
    produce(out, value);
}

int take(knot_chan *in, int n) {
    int sum = 0;
    for (int i = 0; i < n; i++) {
        int v = 0;
        knot_chan_recv(in, &v);
        sum += v;
    }
    return sum;
}

int drain(knot_chan *in) {
    int v, sum = 0;
    while (knot_chan_recv(in, &v))
        sum += v;
    return sum;
}

int first_negative(knot_chan *in) {
    int v;
    while (knot_chan_recv(in, &v))
        if (v < 0)
            return v;
    return 0;
}

void finish(knot_chan *ch) { knot_chan_close(ch); }

void log_queue(const char *what, knot_chan *ch) {
    printf("%s: %zu waiting\n", what, knot_chan_len(ch));
}
