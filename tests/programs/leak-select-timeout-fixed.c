/* A poller waits for work with a timeout (select over its queue and a
 * knot_after channel); main returns while it waits. The wait would have
 * ended by itself when the timer fired: not a leak. */
#include <knot/knot.h>
#include <stdio.h>

static knot_chan *work;

static void poller(void *arg) {
    (void)arg;
    for (int round = 0; round < 3; round++) {
        knot_chan *timeout = knot_after(10000);
        int job;
        knot_case cases[] = {KNOT_CASE_RECV(work, &job), KNOT_CASE_RECV(timeout, NULL)};
        if (knot_select(cases, 2) == 0)
            printf("job %d\n", job);
        knot_chan_free(timeout);
    }
}

int main(void) {
    work = knot_chan_make(sizeof(int), 0);
    knot_go(poller, NULL);
    int job = 1;
    knot_chan_send(work, &job);
    knot_sleep(50);
    return 0;
}
