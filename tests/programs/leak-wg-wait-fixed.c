/* leak-wg-wait.c with Done on every path out of download (a single exit),
 * and main waiting for the reporter before it returns. */
#include <knot/knot.h>
#include <stdio.h>

enum { DOWNLOADS = 3 };

struct batch {
    knot_wg pending;
    knot_wg reported;
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
        goto out;
    }
    d->b->ok[d->id] = 1;
out:
    knot_wg_done(&d->b->pending);
}

static void reporter(void *arg) {
    struct batch *b = arg;
    knot_wg_wait(&b->pending);
    printf("all downloads finished\n");
    knot_wg_done(&b->reported);
}

int main(void) {
    static struct batch b;
    static struct download ds[DOWNLOADS];
    for (int i = 0; i < DOWNLOADS; i++) {
        ds[i] = (struct download){i, &b};
        knot_wg_add(&b.pending, 1);
        knot_go(download, &ds[i]);
    }
    knot_wg_add(&b.reported, 1);
    knot_go(reporter, &b);
    knot_wg_wait(&b.reported);
    printf("main: done\n");
    return 0;
}
