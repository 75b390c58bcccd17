/* leak-ticker-loop.c with the quit channel closed at shutdown, and main
 * waiting for the heartbeat to stop. */
#include <knot/knot.h>
#include <stdio.h>

struct heartbeat {
    knot_chan *quit;
    knot_wg wg;
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
    knot_wg_done(&h->wg);
}

int main(void) {
    static struct heartbeat h;
    h.quit = knot_chan_make(0, 0);
    knot_wg_add(&h.wg, 1);
    knot_go(beat, &h);
    knot_sleep(30);
    knot_chan_close(h.quit);
    knot_wg_wait(&h.wg);
    puts("heartbeat stopped");
    return 0;
}
