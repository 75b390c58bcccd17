/* Listing 3.9 repaired the way Go in Practice does it: the receiver never
 * closes msgs; it closes a separate done channel, and the sender, which
 * selects on done next to its send, stops and closes msgs itself. */
#include <knot/knot.h>
#include <stdio.h>

enum { EVERY_MS = 20, DEADLINE_MS = 50 };

struct greeter {
    knot_chan *msgs; /* chan const char * */
    knot_chan *done; /* chan struct{}: closed by the receiver */
    const char *text;
};

static void greet(void *arg) {
    const struct greeter *g = arg;
    for (;;) {
        knot_case cases[] = {KNOT_CASE_SEND(g->msgs, &g->text), KNOT_CASE_RECV(g->done, NULL)};
        if (knot_select(cases, 2) == 1)
            break;
        knot_sleep(EVERY_MS);
    }
    knot_chan_close(g->msgs); /* the sender closes */
}

int main(void) {
    static struct greeter g = {NULL, NULL, "hello"};
    g.msgs = knot_chan_make(sizeof(const char *), 0);
    g.done = knot_chan_make(0, 0);
    knot_chan_name(g.msgs, "msgs");
    knot_chan_name(g.done, "done");
    knot_chan *deadline = knot_after(DEADLINE_MS);
    knot_go(greet, &g);
    for (;;) {
        const char *text;
        knot_case cases[] = {KNOT_CASE_RECV(g.msgs, &text), KNOT_CASE_RECV(deadline, NULL)};
        if (knot_select(cases, 2) == 0) {
            printf("%s\n", text);
            continue;
        }
        break;
    }
    knot_chan_close(g.done);
    while (knot_chan_recv(g.msgs, NULL)) /* until the sender has closed msgs */
        ;
    knot_chan_free(deadline);
    return 0;
}
