/* The log shipper fixed by ownership: the only producer closes the queue
 * after its last send, and main ranges until the queue is closed and
 * drained. The close and the sends are in one task, in program order. */
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
        knot_chan_send(queue, &l);
    }
    knot_chan_close(queue); /* the sender closes */
}

int main(void) {
    knot_chan *queue = knot_chan_make(sizeof(struct line), QUEUE);
    knot_chan_name(queue, "log queue");
    if (knot_go(produce_logs, queue) != 0)
        return 1;
    knot_sleep(50);
    int n = 0;
    struct line l;
    while (knot_chan_recv(queue, &l)) {
        printf("[%d] %s\n", l.level, l.text);
        n++;
    }
    printf("shipped %d lines\n", n);
    knot_chan_free(queue);
    return 0;
}
