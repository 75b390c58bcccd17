/* send-on-closed-pairing.c fixed the Go way: neither producer closes; a
 * closer task waits for both on a wait group and closes after. Every send is
 * ordered before the close by the producers' own Done, whichever sender each
 * receive took. */
#include <knot/knot.h>
#include <stdio.h>

enum { HELPER = 3, MAIN = 6 };

struct job {
    knot_chan *results;
    knot_wg wg;
};

static void helper(void *arg) {
    struct job *j = arg;
    for (int i = 0; i < HELPER; i++)
        knot_chan_send(j->results, &i);
    knot_wg_done(&j->wg);
}

static void producer(void *arg) {
    struct job *j = arg;
    knot_sleep(20);
    for (int i = 0; i < MAIN; i++)
        knot_chan_send(j->results, &i);
    knot_wg_done(&j->wg);
}

static void closer(void *arg) {
    struct job *j = arg;
    knot_wg_wait(&j->wg);
    knot_chan_close(j->results);
}

int main(void) {
    static struct job j;
    j.results = knot_chan_make(sizeof(int), 0);
    knot_chan_name(j.results, "results");
    knot_wg_add(&j.wg, 2);
    knot_go(helper, &j);
    knot_go(producer, &j);
    knot_go(closer, &j);
    int v, n = 0, sum = 0;
    while (knot_chan_recv(j.results, &v)) {
        sum += v;
        n++;
    }
    printf("%d results, sum %d\n", n, sum);
    return 0;
}
