/* A Done ordered after its Add through a channel, which must produce no
 * finding: the dispatcher task adds to the wait group and then hands the job
 * to an already running worker over a channel; the worker's Done follows the
 * receive, so the Add is in its past even though the worker was spawned
 * before the Add. */
#include <knot/knot.h>
#include <stdio.h>

enum { JOBS = 5 };

struct dispatch {
    knot_chan *jobs; /* chan int, unbuffered */
    knot_wg pending;
    long sum;
};

static void worker(void *arg) {
    struct dispatch *d = arg;
    int job;
    while (knot_chan_recv(d->jobs, &job)) {
        d->sum += job; /* one worker: no race on sum */
        knot_wg_done(&d->pending);
    }
}

int main(void) {
    static struct dispatch d;
    d.jobs = knot_chan_make(sizeof(int), 0);
    knot_chan_name(d.jobs, "jobs");
    knot_go(worker, &d); /* spawned before any Add */
    for (int job = 1; job <= JOBS; job++) {
        knot_wg_add(&d.pending, 1);
        knot_chan_send(d.jobs, &job); /* the receive orders this Add before the Done */
    }
    knot_wg_wait(&d.pending);
    printf("sum %ld\n", d.sum);
    knot_chan_close(d.jobs);
    knot_sleep(5);
    knot_chan_free(d.jobs);
    return 0;
}
