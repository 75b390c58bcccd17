/* send-on-closed-blocked-sender.c with a done channel: the forwarder selects
 * on done next to its send and returns when the consumer closes done; the
 * forwarder, the only sender, closes out. */
#include <knot/knot.h>
#include <stdio.h>

struct forwarder {
    knot_chan *out;  /* chan int, unbuffered */
    knot_chan *done; /* chan struct{}: closed by the consumer */
    knot_wg wg;
    int results[3];
};

static void forward(void *arg) {
    struct forwarder *f = arg;
    for (int i = 0; i < 3; i++) {
        knot_case cases[] = {KNOT_CASE_SEND(f->out, &f->results[i]), KNOT_CASE_RECV(f->done, NULL)};
        if (knot_select(cases, 2) == 1)
            break;
    }
    knot_chan_close(f->out);
    knot_wg_done(&f->wg);
}

int main(void) {
    static struct forwarder f = {.results = {7, 8, 9}};
    f.out = knot_chan_make(sizeof(int), 0);
    f.done = knot_chan_make(0, 0);
    knot_chan_name(f.out, "out");
    knot_chan_name(f.done, "done");
    knot_wg_add(&f.wg, 1);
    knot_go(forward, &f);
    int first;
    knot_chan_recv(f.out, &first);
    printf("first result %d\n", first);
    knot_sleep(20);
    knot_chan_close(f.done); /* tell the sender; it closes out */
    knot_wg_wait(&f.wg);
    knot_chan_free(f.out);
    knot_chan_free(f.done);
    return 0;
}
