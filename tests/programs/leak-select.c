/* A watcher task selects on two channels: status updates and a quit signal.
 * The code that would feed it takes an early error return, so neither channel
 * ever becomes ready, and the watcher stays parked in its select after main
 * has returned. */
#include <knot/knot.h>
#include <stdio.h>

struct watcher {
    knot_chan *updates; /* chan int: progress in percent */
    knot_chan *quit;    /* chan struct{}: closed to stop the watcher */
    int last;
};

static void watch(void *arg) {
    struct watcher *w = arg;
    for (;;) {
        int pct;
        knot_case cases[] = {KNOT_CASE_RECV(w->updates, &pct), KNOT_CASE_RECV(w->quit, NULL)};
        int i = knot_select(cases, 2); // want: leak
        if (i == 1 || !cases[0].ok)
            return;
        w->last = pct;
        printf("progress %d%%\n", pct);
    }
}

/* Returns -1 when the input is empty: before any progress is reported, and,
 * by mistake, before the watcher is told to quit. */
static int copy_file(struct watcher *w, size_t size) {
    if (size == 0)
        return -1; /* BUG: leaves the watcher waiting */
    for (int pct = 25; pct <= 100; pct += 25)
        knot_chan_send(w->updates, &pct);
    knot_chan_close(w->quit);
    return 0;
}

int main(void) {
    static struct watcher w;
    w.updates = knot_chan_make(sizeof(int), 0);
    w.quit = knot_chan_make(0, 0);
    knot_chan_name(w.updates, "updates");
    knot_chan_name(w.quit, "quit");
    knot_go(watch, &w);
    if (copy_file(&w, 0) != 0)
        fputs("copy: empty input\n", stderr);
    knot_sleep(20);
    return 0;
}
