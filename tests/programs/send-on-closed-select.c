/* A sampler publishes readings with a select that also watches a done
 * channel, but shutdown closes the readings channel instead of done. In this
 * run the sampler has published its last reading before the close; nothing
 * orders that send before the close, though, so the select's send case is a
 * predicted send on a closed channel. */
#include <knot/knot.h>
#include <stdio.h>

enum { READINGS = 3 };

struct sampler {
    knot_chan *readings; /* chan double, capacity READINGS */
    knot_chan *done;     /* chan struct{} */
};

static double read_sensor(int i) { return 20.0 + 0.5 * i; }

static void sample(void *arg) {
    struct sampler *s = arg;
    for (int i = 0; i < READINGS; i++) {
        double v = read_sensor(i);
        knot_case cases[] = {KNOT_CASE_SEND(s->readings, &v), KNOT_CASE_RECV(s->done, NULL)};
        if (knot_select(cases, 2) == 1) // want: predicted send-on-closed
            return;
    }
}

int main(void) {
    static struct sampler s;
    s.readings = knot_chan_make(sizeof(double), READINGS);
    s.done = knot_chan_make(0, 0);
    knot_chan_name(s.readings, "readings");
    knot_chan_name(s.done, "done");
    knot_go(sample, &s);
    knot_sleep(50);
    knot_chan_close(s.readings); /* BUG: should close done, and let the sampler close readings */
    double v, sum = 0;
    int n = 0;
    while (knot_chan_recv(s.readings, &v)) {
        sum += v;
        n++;
    }
    printf("%d readings, mean %.2f\n", n, n ? sum / n : 0.0);
    return 0;
}
