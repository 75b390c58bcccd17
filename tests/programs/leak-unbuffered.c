/* gopl's makeThumbnails4 in miniature: the first error returns early, and the
 * senders of the other results stay blocked on an unbuffered channel. */
#include <knot/knot.h>
#include <stdio.h>

static knot_chan *results;

static void worker(void *arg) {
    int id = *(int *)arg;
    knot_sleep(5 * (uint64_t)id);
    knot_chan_send(results, &id); // want: leak
}

int main(void) {
    results = knot_chan_make(sizeof(int), 0);
    static int ids[4] = {0, 1, 2, 3};
    for (int i = 0; i < 4; i++)
        knot_go(worker, &ids[i]);
    int first;
    knot_chan_recv(results, &first); /* returns after the first result */
    printf("first result from worker %d\n", first);
    knot_sleep(50);
    return 0;
}
