/* Channels that were never made. A logger receives from a channel field the
 * setup forgot to make, a reporter sends its summary on another, and a
 * watcher selects over two that both stayed NULL (one disabled by setting it
 * to nil, Go's idiom, the other never made). Operations on a nil channel
 * block forever: all three tasks are still blocked when main returns. */
#include <knot/knot.h>
#include <stdio.h>

struct service {
    knot_chan *logs;    /* never made: the bug */
    knot_chan *summary; /* never made either */
    knot_chan *events, *quit;
};

static void logger(void *arg) {
    struct service *s = arg;
    char line[32];
    while (knot_chan_recv(s->logs, line)) // want: leak
        fputs(line, stderr);
}

static void reporter(void *arg) {
    struct service *s = arg;
    int total = 42;
    knot_chan_send(s->summary, &total); // want: leak
}

static void watcher(void *arg) {
    struct service *s = arg;
    knot_case cases[2] = {{KNOT_RECV, s->events, NULL, false}, {KNOT_RECV, s->quit, NULL, false}};
    knot_select(cases, 2); // want: leak
}

int main(void) {
    static struct service s; /* all channels nil */
    knot_go(logger, &s);
    knot_go(reporter, &s);
    knot_go(watcher, &s);
    knot_sleep(50);
    puts("service stopped");
    return 0;
}
