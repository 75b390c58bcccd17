/* send-on-closed-select.c with the ownership straightened out: shutdown
 * closes done, the sampler sees it (or runs out of readings), and the
 * sampler, the only sender, closes readings on its way out. */
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
        if (knot_select(cases, 2) == 1)
            break;
    }
    knot_chan_close(s->readings);
}

int main(void) {
    static struct sampler s;
    s.readings = knot_chan_make(sizeof(double), READINGS);
    s.done = knot_chan_make(0, 0);
    knot_chan_name(s.readings, "readings");
    knot_chan_name(s.done, "done");
    knot_go(sample, &s);
    knot_sleep(50);
    knot_chan_close(s.done);
    double v, sum = 0;
    int n = 0;
    while (knot_chan_recv(s.readings, &v)) { /* ends when the sampler closes readings */
        sum += v;
        n++;
    }
    printf("%d readings, mean %.2f\n", n, n ? sum / n : 0.0);
    return 0;
}
