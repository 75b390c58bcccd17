/*
 * close_by_receiver — mirrors Go in Practice, chapter 3, listing 3.9
 * ("improper channel close"). THIS PROGRAM IS MEANT TO CRASH.
 *
 * A sender task keeps sending greetings; main receives them until a timer
 * fires and then closes the channel from the receiving side. The sender
 * does not know, sends again, and a send on a closed channel panics:
 * "panic: send on closed channel", and the process exits non-zero.
 *
 * The rule it breaks: only the sender may close a channel, because only the
 * sender knows when nothing more will be sent. chan_done_fixed.c shows the
 * repair (the receiver signals on a separate done channel instead).
 */
/* exits: 2 (the panic) */
#include <knot/knot.h>

#include <stdio.h>
#include <stdlib.h>

enum { SEND_EVERY_MS = 50, TIMEOUT_MS = 200, LINGER_MS = 1000 };

static void sender(void *arg) {
    knot_chan *msg = arg;
    const char *hello = "hello";
    for (;;) {
        knot_chan_send(msg, &hello); /* panics once main has closed msg */ // want: send-on-closed
        knot_sleep(SEND_EVERY_MS);
    }
}

int main(void) {
    knot_chan *msg = knot_chan_make(sizeof(const char *), 0);
    knot_chan_name(msg, "msg");
    knot_chan *timeout = knot_after(TIMEOUT_MS);
    knot_go(sender, msg);

    for (;;) {
        const char *text;
        knot_case cases[] = {KNOT_CASE_RECV(msg, &text), KNOT_CASE_RECV(timeout, NULL)};
        if (knot_select(cases, 2) == 0) {
            printf("%s\n", text);
            continue;
        }
        printf("timeout: main closes msg (wrong side!)\n");
        fflush(stdout);       /* the panic will not flush stdio for us */
        knot_chan_close(msg); // want: close-by-receiver (BUG: the receiver closes)
        /* Stay alive long enough for the sender's next send to panic. */
        knot_sleep(LINGER_MS);
        printf("unexpected: the sender did not panic\n");
        return EXIT_SUCCESS;
    }
}
