/* makeThumbnails5's fix: a buffer as large as the number of senders, so no
 * send can block after the receiver returns early. */
#include <knot/knot.h>
#include <stdio.h>

static knot_chan *results;

static void worker(void *arg) {
    int id = *(int *)arg;
    knot_sleep(5 * (uint64_t)id);
    knot_chan_send(results, &id);
}

int main(void) {
    results = knot_chan_make(sizeof(int), 4);
    static int ids[4] = {0, 1, 2, 3};
    for (int i = 0; i < 4; i++)
        knot_go(worker, &ids[i]);
    int first;
    knot_chan_recv(results, &first);
    printf("first result from worker %d\n", first);
    knot_sleep(50);
    return 0;
}
