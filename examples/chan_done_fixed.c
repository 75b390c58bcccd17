/*
 * chan_done_fixed — mirrors Go in Practice, chapter 3, listings 3.10-3.11:
 * the repair of close_by_receiver.c.
 *
 * The receiver no longer closes the data channel. When it wants to stop, it
 * closes a separate `done` channel, which only it owns. The sender selects
 * on "send the next message" and "done is closed" together, so it can never
 * be stuck in a send nobody will take; on done it closes its own data
 * channel (the sender owns that close) and returns. main keeps receiving
 * until it sees that close, so it knows the sender has finished.
 *
 * Where the book's listing sends one value on done, closing it instead is
 * the broadcast form: it would stop any number of senders.
 */
#include <knot/knot.h>

#include <stdio.h>
#include <stdlib.h>

enum { SEND_EVERY_MS = 50, TIMEOUT_MS = 200 };

struct channels {
    knot_chan *msg;  /* written and closed by the sender */
    knot_chan *done; /* closed by the receiver */
};

static void sender(void *arg) {
    const struct channels *c = arg;
    const char *hello = "hello";
    for (;;) {
        knot_case cases[] = {KNOT_CASE_SEND(c->msg, &hello), KNOT_CASE_RECV(c->done, NULL)};
        if (knot_select(cases, 2) == 1) {
            printf("sender: done received, closing msg\n");
            knot_chan_close(c->msg); /* the sender closes what it sends on */
            return;
        }
        knot_sleep(SEND_EVERY_MS);
    }
}

int main(void) {
    struct channels c = {knot_chan_make(sizeof(const char *), 0), knot_chan_make(0, 0)};
    knot_chan_name(c.msg, "msg");
    knot_chan_name(c.done, "done");
    knot_chan *timeout = knot_after(TIMEOUT_MS);
    knot_go(sender, &c);

    for (;;) {
        const char *text;
        knot_case cases[] = {KNOT_CASE_RECV(c.msg, &text), KNOT_CASE_RECV(timeout, NULL)};
        int i = knot_select(cases, 2);
        if (i == 0 && cases[0].ok) {
            printf("%s\n", text);
            continue;
        }
        if (i == 1) {
            printf("timeout: main closes done\n");
            knot_chan_close(c.done);
            knot_chan_free(timeout);
            timeout = NULL; /* a nil channel: the case can never fire again */
            continue;
        }
        break; /* msg closed: the sender is finished with it */
    }
    printf("main: msg closed by the sender, exiting cleanly\n");

    knot_chan_free(c.msg);
    knot_chan_free(c.done);
    return EXIT_SUCCESS;
}
