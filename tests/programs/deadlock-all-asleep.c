/* gopl's closer pattern with a bug on an error path: a fetcher that fails
 * returns without calling knot_wg_done. The closer task waits on the wait
 * group forever, so the results channel is never closed, and main's range
 * over it blocks after the last real result. No task is in a cycle, but every
 * task is asleep: the live detector ends the program (status 2). */
/* exits: 2 (the deadlock detector ends it) */
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
        return; /* BUG: no knot_wg_done on this path */
    }
    size_t n = strlen(f->url) * 100;
    knot_chan_send(f->results, &n);
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
    while (knot_chan_recv(results, &n)) // want: deadlock
        total += n;
    printf("total %zu bytes\n", total);
    return 0;
}
