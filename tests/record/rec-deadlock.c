/* All tasks asleep: the detector ends the program with status 2, and the
 * trace holds both blocked operations as begin without end. */
#include <knot/knot.h>

static knot_chan *a, *b;

static void other(void *arg) {
    (void)arg;
    knot_chan_recv(b, NULL); /* RECV_B */
    knot_chan_send(a, NULL);
}

int main(void) {
    a = knot_chan_make(0, 0);
    b = knot_chan_make(0, 0);
    knot_go(other, NULL);
    knot_chan_recv(a, NULL); /* RECV_A */
    knot_chan_send(b, NULL);
    return 0;
}
