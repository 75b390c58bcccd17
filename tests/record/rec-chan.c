/* Channel events: every operation recorded once, receives name their sends. */
#include <knot/knot.h>
#include <stdio.h>

static void sender(void *ch) {
    int v = 1;
    knot_chan_send(ch, &v); /* SEND_UNBUF */
}

int main(void) {
    knot_chan *u = knot_chan_make(sizeof(int), 0); /* MAKE_UNBUF */
    knot_chan_name(u, "unbuffered");
    knot_go(sender, u); /* GO_SENDER */
    int v;
    knot_chan_recv(u, &v); /* RECV_UNBUF */

    knot_chan *b = knot_chan_make(sizeof(int), 2); /* MAKE_BUF */
    int a = 10, c = 11;
    knot_chan_send(b, &a);        /* SEND_BUF_1 */
    knot_chan_send(b, &c);        /* SEND_BUF_2 */
    knot_chan_close(b);           /* CLOSE_BUF */
    while (knot_chan_recv(b, &v)) /* RECV_BUF */
        ;
    knot_wg wg = {0};
    knot_wg_add(&wg, 1); /* WG_ADD */
    knot_wg_done(&wg);   /* WG_DONE */
    knot_wg_wait(&wg);   /* WG_WAIT */
    knot_chan_free(b);
    puts("done");
    return 0;
}
