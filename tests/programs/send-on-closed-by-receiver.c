/* Go in Practice's listing 3.9 in C: main reads greetings until a deadline,
 * then closes the channel from the receiving side. The sender does not know
 * and its next send panics: "send on closed channel" (exit status 2). */
/* exits: 2 (the panic) */
#include <knot/knot.h>
#include <stdio.h>

enum { EVERY_MS = 20, DEADLINE_MS = 50 };

struct greeter {
    knot_chan *msgs; /* chan const char * */
    const char *text;
};

static void greet(void *arg) {
    const struct greeter *g = arg;
    for (;;) {
        knot_chan_send(g->msgs, &g->text); // want: send-on-closed
        knot_sleep(EVERY_MS);
    }
}

int main(void) {
    static struct greeter g = {NULL, "hello"};
    g.msgs = knot_chan_make(sizeof(const char *), 0);
    knot_chan_name(g.msgs, "msgs");
    knot_chan *deadline = knot_after(DEADLINE_MS);
    knot_go(greet, &g);
    for (;;) {
        const char *text;
        knot_case cases[] = {KNOT_CASE_RECV(g.msgs, &text), KNOT_CASE_RECV(deadline, NULL)};
        if (knot_select(cases, 2) == 0) {
            printf("%s\n", text);
            continue;
        }
        fflush(stdout);
        knot_chan_close(g.msgs); /* BUG: the receiver closes */
        knot_sleep(100);         /* the sender's next send panics meanwhile */
        return 0;
    }
}
