/* A run for the report's page as a whole: two leaks (two findings that
 * embed the same wait-for graph), one of them of a pool of identical tasks
 * (one line for all of them), a predicted send on a closed channel, and an
 * exit status of 3 (how the run ended heads the page). */
#include <knot/knot.h>

enum { POOL = 12, QUEUE = 4 };

static knot_chan *results, *orphan;

static void worker(void *arg) {
    int id = *(int *)arg;
    knot_chan_send(results, &id); /* all but one block forever */
}

static void waiter(void *arg) {
    (void)arg;
    knot_chan_recv(orphan, NULL); /* nobody sends: blocks forever */
}

static void producer(void *queue) {
    int v = 1;
    knot_chan_send(queue, &v); /* nothing orders it before the close */
}

int main(void) {
    static int ids[POOL];
    results = knot_chan_make(sizeof(int), 0);
    knot_chan_name(results, "results");
    orphan = knot_chan_make(sizeof(int), 0);
    knot_chan_name(orphan, "orphan");
    knot_chan *queue = knot_chan_make(sizeof(int), QUEUE);
    knot_chan_name(queue, "queue");
    for (int i = 0; i < POOL; i++) {
        ids[i] = i;
        knot_go(worker, &ids[i]);
    }
    knot_go(waiter, NULL);
    knot_go(producer, queue);
    int first;
    knot_chan_recv(results, &first);
    knot_sleep(300); /* let the others reach their send, and the producer finish */
    knot_chan_close(queue);
    return 3;
}
