/* deadlock-all-asleep.c with a single exit from fetch_page, so the wait
 * group is released on the error path too and the closer closes results. */
#include <knot/knot.h>
#include <stdio.h>
#include <string.h>

enum { NURLS = 3 };

struct fetch {
    const char *url;
    knot_chan *results; /* chan size_t: page sizes */
    knot_wg *wg;
};

struct closer_arg {
    knot_chan *results;
    knot_wg *wg;
};

static void fetch_page(void *arg) {
    struct fetch *f = arg;
    knot_sleep(5);
    if (strncmp(f->url, "https://", 8) != 0) {
        fprintf(stderr, "fetch %s: unsupported scheme\n", f->url);
        goto out;
    }
    size_t n = strlen(f->url) * 100;
    knot_chan_send(f->results, &n);
out:
    knot_wg_done(f->wg);
}

static void closer(void *arg) {
    struct closer_arg *c = arg;
    knot_wg_wait(c->wg);
    knot_chan_close(c->results);
}

int main(void) {
    static const char *urls[NURLS] = {"https://a.example", "ftp://b.example", "https://c.example"};
    static struct fetch jobs[NURLS];
    static knot_wg wg;
    knot_chan *results = knot_chan_make(sizeof(size_t), 0);
    knot_chan_name(results, "results");
    for (int i = 0; i < NURLS; i++) {
        jobs[i] = (struct fetch){urls[i], results, &wg};
        knot_wg_add(&wg, 1);
        knot_go(fetch_page, &jobs[i]);
    }
    static struct closer_arg ca;
    ca = (struct closer_arg){results, &wg};
    knot_go(closer, &ca);

    size_t total = 0, n;
    while (knot_chan_recv(results, &n))
        total += n;
    printf("total %zu bytes\n", total);
    return 0;
}
