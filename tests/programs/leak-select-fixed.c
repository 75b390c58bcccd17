/* leak-select.c with every path out of copy_file telling the watcher to
 * quit, and main waiting until it has. */
#include <knot/knot.h>
#include <stdio.h>

struct watcher {
    knot_chan *updates; /* chan int: progress in percent */
    knot_chan *quit;    /* chan struct{}: closed to stop the watcher */
    knot_wg stopped;
    int last;
};

static void watch(void *arg) {
    struct watcher *w = arg;
    for (;;) {
        int pct;
        knot_case cases[] = {KNOT_CASE_RECV(w->updates, &pct), KNOT_CASE_RECV(w->quit, NULL)};
        int i = knot_select(cases, 2);
        if (i == 1 || !cases[0].ok)
            break;
        w->last = pct;
        printf("progress %d%%\n", pct);
    }
    knot_wg_done(&w->stopped);
}

static int copy_file(struct watcher *w, size_t size) {
    int rc = 0;
    if (size == 0) {
        rc = -1;
        goto out;
    }
    for (int pct = 25; pct <= 100; pct += 25)
        knot_chan_send(w->updates, &pct);
out:
    knot_chan_close(w->quit); /* on every path */
    return rc;
}

int main(void) {
    static struct watcher w;
    w.updates = knot_chan_make(sizeof(int), 0);
    w.quit = knot_chan_make(0, 0);
    knot_chan_name(w.updates, "updates");
    knot_chan_name(w.quit, "quit");
    knot_wg_add(&w.stopped, 1);
    knot_go(watch, &w);
    if (copy_file(&w, 0) != 0)
        fputs("copy: empty input\n", stderr);
    knot_wg_wait(&w.stopped);
    knot_chan_free(w.updates);
    knot_chan_free(w.quit);
    return 0;
}
