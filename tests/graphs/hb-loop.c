/* A thousand iterations of a loop, then a close of a closed channel: the
 * happens-before picture of the finding must fold the iterations into one
 * box each ("×N") rather than grow with the loop, draw no arrow from one of
 * main's unlocks to its own next lock, and mark both closes. The panic ends
 * the run, so the finding needs no timing. */
#include <knot/knot.h>
#include <pthread.h>

enum { ITERATIONS = 1000 };

static pthread_mutex_t tally_lock = PTHREAD_MUTEX_INITIALIZER;
static long tally;

static void producer(void *values) {
    for (int i = 0; i < ITERATIONS; i++)
        knot_chan_send(values, &i);
    knot_chan_close(values);
}

int main(void) {
    knot_chan *values = knot_chan_make(sizeof(int), 0);
    knot_chan_name(values, "values");
    knot_go(producer, values);
    int v;
    while (knot_chan_recv(values, &v)) {
        pthread_mutex_lock(&tally_lock);
        tally += v;
        pthread_mutex_unlock(&tally_lock);
    }
    knot_chan_close(values); /* the producer closed it already: panics */
    return 0;
}
