/* wg-negative-actual.c with one Add per worker, made before its spawn. */
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
    knot_sleep(10 * (uint64_t)(r->id + 1));
    r->width /= 2;
    knot_wg_done(r->wg);
}

int main(void) {
    static knot_wg wg;
    static struct resize jobs[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        jobs[i] = (struct resize){i, 640, &wg};
        knot_wg_add(&wg, 1);
        knot_go(resize_image, &jobs[i]);
    }
    knot_wg_wait(&wg);
    printf("resized\n");
    return 0;
}
