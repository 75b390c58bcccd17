/* Sends ordered before the close by pthread_join, which must produce no
 * finding: producer threads push work items on a buffered knot channel, main
 * joins every producer and only then closes the channel and drains it. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

enum { PRODUCERS = 3, ITEMS = 4 };

struct producer {
    int id;
    knot_chan *items; /* chan int, capacity PRODUCERS * ITEMS */
};

static void *produce(void *arg) {
    const struct producer *p = arg;
    for (int i = 0; i < ITEMS; i++) {
        int item = p->id * 100 + i;
        knot_chan_send(p->items, &item);
    }
    return NULL;
}

int main(void) {
    knot_chan *items = knot_chan_make(sizeof(int), PRODUCERS * ITEMS);
    knot_chan_name(items, "items");
    pthread_t th[PRODUCERS];
    struct producer ps[PRODUCERS];
    int started = 0;
    for (int i = 0; i < PRODUCERS; i++) {
        ps[i] = (struct producer){i, items};
        if (pthread_create(&th[i], NULL, produce, &ps[i]) != 0)
            break;
        started++;
    }
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    knot_chan_close(items); /* every producer has been joined */
    int n = 0;
    while (knot_chan_recv(items, NULL))
        n++;
    printf("%d items from %d producers\n", n, started);
    knot_chan_free(items);
    return 0;
}
