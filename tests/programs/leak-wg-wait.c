/* A progress reporter waits on a wait group to print a summary, but one of
 * the downloads it counts hits its error path and returns without Done. main
 * does not wait for the reporter; it returns, leaving the reporter blocked in
 * knot_wg_wait for a Done that will never come. */
#include <knot/knot.h>
#include <stdio.h>

enum { DOWNLOADS = 3 };

struct batch {
    knot_wg pending;
    int ok[DOWNLOADS];
};

struct download {
    int id;
    struct batch *b;
};

static void download(void *arg) {
    struct download *d = arg;
    knot_sleep(2);
    if (d->id == 2) {
        fprintf(stderr, "download %d: connection reset\n", d->id);
        return; /* BUG: no knot_wg_done */
    }
    d->b->ok[d->id] = 1;
    knot_wg_done(&d->b->pending);
}

static void reporter(void *arg) {
    struct batch *b = arg;
    knot_wg_wait(&b->pending); // want: leak
    printf("all downloads finished\n");
}

int main(void) {
    static struct batch b;
    static struct download ds[DOWNLOADS];
    for (int i = 0; i < DOWNLOADS; i++) {
        ds[i] = (struct download){i, &b};
        knot_wg_add(&b.pending, 1);
        knot_go(download, &ds[i]);
    }
    knot_go(reporter, &b);
    knot_sleep(30);
    printf("main: done\n");
    return 0;
}
