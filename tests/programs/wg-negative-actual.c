/* One Add for the whole pool instead of one per worker: the first worker's
 * Done brings the counter to zero, the second one's takes it below zero and
 * panics ("sync: negative WaitGroup counter", exit status 2). */
/* exits: 2 (the panic) */
#include <knot/knot.h>
#include <stdio.h>

enum { WORKERS = 3 };

struct resize {
    int id;
    unsigned width;
    knot_wg *wg;
};

static void resize_image(void *arg) {
    struct resize *r = arg;
    knot_sleep(10 * (uint64_t)(r->id + 1)); /* worker 0 finishes first */
    r->width /= 2;
    knot_wg_done(r->wg); // want: wg-negative
}

int main(void) {
    static knot_wg wg;
    static struct resize jobs[WORKERS];
    knot_wg_add(&wg, 1); /* BUG: once, not once per worker */
    for (int i = 0; i < WORKERS; i++) {
        jobs[i] = (struct resize){i, 640, &wg};
        knot_go(resize_image, &jobs[i]);
    }
    knot_wg_wait(&wg);
    printf("resized\n");
    knot_sleep(50); /* the other workers' Done calls come meanwhile */
    return 0;
}
