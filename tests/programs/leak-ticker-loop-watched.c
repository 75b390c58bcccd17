/* leak-ticker-loop.c, but a supervisor task still runs when main returns:
 * it holds the quit channel and could close it, so the heartbeat is not
 * reported (the program ending first is not the heartbeat's fault). */
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
        if (knot_select(cases, 2) == 1)
            break;
        h->beats++;
    }
    knot_chan_free(tick);
}

static void supervisor(void *arg) {
    struct heartbeat *h = arg;
    for (int i = 0; i < 1000 && h->beats < 1000000; i++)
        knot_sleep(1); /* checks in, and would close quit on a fault */
    knot_chan_close(h->quit);
}

int main(void) {
    static struct heartbeat h;
    h.quit = knot_chan_make(0, 0);
    knot_go(beat, &h);
    knot_go(supervisor, &h);
    knot_sleep(30);
    puts("shutting down");
    return 0;
}
