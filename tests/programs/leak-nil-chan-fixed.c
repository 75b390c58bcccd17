/* leak-nil-chan.c with its channels made: the logger ranges over a channel
 * main closes, the reporter's summary is received, and the watcher's quit
 * channel is closed at shutdown. Every task ends. */
#include <knot/knot.h>
#include <stdio.h>

struct service {
    knot_chan *logs;
    knot_chan *summary;
    knot_chan *events, *quit;
    knot_wg wg;
};

static void logger(void *arg) {
    struct service *s = arg;
    char line[32];
    while (knot_chan_recv(s->logs, line))
        fputs(line, stderr);
    knot_wg_done(&s->wg);
}

static void reporter(void *arg) {
    struct service *s = arg;
    int total = 42;
    knot_chan_send(s->summary, &total);
    knot_wg_done(&s->wg);
}

static void watcher(void *arg) {
    struct service *s = arg;
    knot_case cases[2] = {{KNOT_RECV, s->events, NULL, false}, {KNOT_RECV, s->quit, NULL, false}};
    knot_select(cases, 2);
    knot_wg_done(&s->wg);
}

int main(void) {
    static struct service s;
    s.logs = knot_chan_make(32, 0);
    s.summary = knot_chan_make(sizeof(int), 1);
    s.events = knot_chan_make(sizeof(int), 0);
    s.quit = knot_chan_make(0, 0);
    knot_wg_add(&s.wg, 3);
    knot_go(logger, &s);
    knot_go(reporter, &s);
    knot_go(watcher, &s);
    int total;
    knot_chan_recv(s.summary, &total);
    knot_chan_close(s.logs);
    knot_chan_close(s.quit);
    knot_wg_wait(&s.wg);
    printf("service stopped, total %d\n", total);
    return 0;
}
