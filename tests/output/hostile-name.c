/* A leak on a channel whose name holds quotes, a backslash, control bytes,
 * a terminal escape and bytes that are not UTF-8: every output must stay
 * valid, with the message present. */
#include <knot/knot.h>

static void sender(void *ch) { knot_chan_send((knot_chan *)ch, NULL); }

int main(void) {
    knot_chan *ch = knot_chan_make(0, 0);
    knot_chan_name(ch, "q\"b\\n\nt\tc\x01\x1b[31mred\xff\xfe end");
    knot_go(sender, ch);
    knot_sleep(30);
    return 0;
}
