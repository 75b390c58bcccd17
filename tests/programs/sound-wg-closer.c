/* gopl's makeThumbnails6 shape, which must produce no finding: workers send
 * sizes on an unbuffered channel, a closer task waits on the wait group and
 * then closes the channel, and main ranges over it. Every send is ordered
 * before the close by the Done -> Wait edge. */
#include <knot/knot.h>
#include <stdio.h>
#include <string.h>

enum { NFILES = 5 };

struct thumb {
    const char *file;
    knot_chan *sizes; /* chan long */
    knot_wg *wg;
};

struct closer_arg {
    knot_chan *sizes;
    knot_wg *wg;
};

static long make_thumbnail(const char *file) {
    knot_sleep(1 + strlen(file) % 3);
    return (long)strlen(file) * 1024;
}

static void worker(void *arg) {
    struct thumb *t = arg;
    long size = make_thumbnail(t->file);
    knot_chan_send(t->sizes, &size);
    knot_wg_done(t->wg);
}

static void closer(void *arg) {
    struct closer_arg *c = arg;
    knot_wg_wait(c->wg);
    knot_chan_close(c->sizes);
}

int main(void) {
    static const char *files[NFILES] = {"a.jpg", "bb.jpg", "ccc.jpg", "dddd.jpg", "e.jpg"};
    static struct thumb jobs[NFILES];
    static struct closer_arg ca;
    static knot_wg wg;
    knot_chan *sizes = knot_chan_make(sizeof(long), 0);
    knot_chan_name(sizes, "sizes");
    for (int i = 0; i < NFILES; i++) {
        jobs[i] = (struct thumb){files[i], sizes, &wg};
        knot_wg_add(&wg, 1);
        knot_go(worker, &jobs[i]);
    }
    ca = (struct closer_arg){sizes, &wg};
    knot_go(closer, &ca);
    long total = 0, size;
    while (knot_chan_recv(sizes, &size))
        total += size;
    printf("total %ld bytes\n", total);
    knot_chan_free(sizes);
    return 0;
}
