/* The log shipper fixed by counting: each producer announces how many lines
 * it will send, main receives exactly that many and only then closes the
 * queue. Receiving the k-th value orders the k-th send before the close. */
#include <knot/knot.h>
#include <stdio.h>

enum { QUEUE = 2, LINES = 5 };

struct line {
    int seq;
    char text[48];
};

static void produce_logs(void *arg) {
    knot_chan *queue = arg;
    for (int i = 0; i < LINES; i++) {
        struct line l = {i, ""};
        snprintf(l.text, sizeof l.text, "request %d served", i);
        knot_chan_send(queue, &l);
    }
}

static int collect(knot_chan *queue, int expected) {
    int n = 0;
    struct line l;
    while (n < expected && knot_chan_recv(queue, &l)) {
        printf("%d: %s\n", l.seq, l.text);
        n++;
    }
    return n;
}

int main(void) {
    knot_chan *queue = knot_chan_make(sizeof(struct line), QUEUE);
    knot_chan_name(queue, "log queue");
    if (knot_go(produce_logs, queue) != 0)
        return 1;
    knot_sleep(10);
    int n = collect(queue, LINES);
    knot_chan_close(queue); /* every line was received: no send is left */
    printf("shipped %d lines\n", n);
    return 0;
}
