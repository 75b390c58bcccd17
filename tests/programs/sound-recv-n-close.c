/* Close ordered by receiving N values, which must produce no finding: eight
 * tasks each send one result on a channel of capacity 3, main receives
 * exactly eight and then closes the channel (no sender is left). The k-th
 * receive orders the k-th send before it, and buffered sends that waited for
 * room are ordered by the receive that made the room. */
#include <knot/knot.h>
#include <stdio.h>

enum { TASKS = 8 };

struct probe {
    int id;
    knot_chan *results; /* chan int */
};

static void run_probe(void *arg) {
    const struct probe *p = arg;
    knot_sleep((uint64_t)(p->id % 3));
    int latency = 10 + p->id;
    knot_chan_send(p->results, &latency);
}

int main(void) {
    knot_chan *results = knot_chan_make(sizeof(int), 3);
    knot_chan_name(results, "results");
    for (int i = 0; i < TASKS; i++) {
        struct probe p = {i, results};
        if (knot_go_copy(run_probe, &p, sizeof p) != 0)
            return 1;
    }
    int worst = 0;
    for (int i = 0; i < TASKS; i++) {
        int latency;
        knot_chan_recv(results, &latency);
        if (latency > worst)
            worst = latency;
    }
    knot_chan_close(results);
    printf("worst latency %d ms\n", worst);
    knot_sleep(5);
    knot_chan_free(results);
    return 0;
}
