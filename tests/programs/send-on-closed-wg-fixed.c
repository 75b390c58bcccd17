/* The log shipper with several producers, fixed with a wait group: main
 * closes the queue only after knot_wg_wait says every producer has returned,
 * so every send is ordered before the close. */
#include <knot/knot.h>
#include <stdio.h>

enum { QUEUE = 16, LINES = 3, PRODUCERS = 3 };

struct line {
    int producer;
    char text[48];
};

struct producer {
    int id;
    knot_chan *queue;
    knot_wg *wg;
};

static void produce_logs(void *arg) {
    const struct producer *p = arg;
    for (int i = 0; i < LINES; i++) {
        struct line l = {p->id, ""};
        snprintf(l.text, sizeof l.text, "request %d served", i);
        knot_chan_send(p->queue, &l);
        knot_sleep(1);
    }
    knot_wg_done(p->wg);
}

int main(void) {
    knot_chan *queue = knot_chan_make(sizeof(struct line), QUEUE);
    knot_chan_name(queue, "log queue");
    knot_wg wg = {0};
    struct producer ps[PRODUCERS];
    for (int i = 0; i < PRODUCERS; i++) {
        ps[i] = (struct producer){i, queue, &wg};
        knot_wg_add(&wg, 1);
        if (knot_go(produce_logs, &ps[i]) != 0) {
            knot_wg_done(&wg);
            fprintf(stderr, "producer %d did not start\n", i);
        }
    }
    knot_wg_wait(&wg); /* every producer has returned */
    knot_chan_close(queue);
    int n = 0;
    struct line l;
    while (knot_chan_recv(queue, &l))
        n++;
    printf("shipped %d lines\n", n);
    knot_chan_free(queue);
    return 0;
}
