/* A thousand tasks left blocked on one channel: the wait-for graph must
 * summarise them as one node, and render quickly. */
#include <knot/knot.h>
#include <stdio.h>

enum { TASKS = 1000 };

static knot_chan *results;

static void worker(void *arg) {
    int id = *(int *)arg;
    knot_chan_send(results, &id);
}

int main(void) {
    static int ids[TASKS];
    results = knot_chan_make(sizeof(int), 0);
    knot_chan_name(results, "results");
    for (int i = 0; i < TASKS; i++) {
        ids[i] = i;
        if (knot_go(worker, &ids[i]) != 0) {
            printf("spawned %d tasks\n", i);
            break;
        }
    }
    int first;
    knot_chan_recv(results, &first);
    knot_sleep(500); /* let the others reach their send */
    return 0;
}
