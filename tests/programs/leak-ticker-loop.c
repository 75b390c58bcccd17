/* A heartbeat task loops on a ticker in a select with a quit channel, but
 * main returns without ever closing quit: nothing else holds the channel,
 * so the select's quit case can never fire and the task would beat for
 * ever. It is never blocked (the ticker keeps waking it), which is why only
 * the case list of its select shows the leak. */
#include <knot/knot.h>
#include <stdio.h>

struct heartbeat {
    knot_chan *quit;
    int beats;
};

static void beat(void *arg) {
    struct heartbeat *h = arg;
    knot_chan *tick = knot_tick(2);
    for (;;) {
        knot_case cases[2] = {{KNOT_RECV, tick, NULL, false}, {KNOT_RECV, h->quit, NULL, false}};
        if (knot_select(cases, 2) == 1) // want: leak
            break;
        h->beats++;
    }
    knot_chan_free(tick);
}

int main(void) {
    static struct heartbeat h;
    h.quit = knot_chan_make(0, 0);
    knot_go(beat, &h);
    knot_sleep(30);
    puts("shutting down"); /* BUG: never closes h.quit */
    return 0;
}
