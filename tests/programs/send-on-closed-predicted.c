/* A log shipper: a producer task queues lines on a buffered channel, and at
 * shutdown main waits a "grace period" with a sleep, closes the queue and
 * drains it. In this run the producer is long finished when the close
 * happens, so nothing panics; but nothing orders its sends before the close
 * either, and on a slow day the producer sends after it and panics. */
#include <knot/knot.h>
#include <stdio.h>

enum { QUEUE = 8, LINES = 3 };

struct line {
    int level;
    char text[48];
};

static void produce_logs(void *arg) {
    knot_chan *queue = arg;
    for (int i = 0; i < LINES; i++) {
        struct line l = {1, ""};
        snprintf(l.text, sizeof l.text, "request %d served", i);
        knot_chan_send(queue, &l); // want: predicted send-on-closed
    }
}

static int shutdown_and_drain(knot_chan *queue) {
    knot_sleep(50); /* BUG: a grace period is not a synchronisation */
    knot_chan_close(queue);
    int n = 0;
    struct line l;
    while (knot_chan_recv(queue, &l)) {
        printf("[%d] %s\n", l.level, l.text);
        n++;
    }
    return n;
}

int main(void) {
    knot_chan *queue = knot_chan_make(sizeof(struct line), QUEUE);
    knot_chan_name(queue, "log queue");
    if (knot_go(produce_logs, queue) != 0)
        return 1;
    printf("shipped %d lines\n", shutdown_and_drain(queue));
    knot_chan_free(queue);
    return 0;
}
