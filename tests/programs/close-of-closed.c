/* Cancellation closed twice: a worker that fails closes the shared quit
 * channel to stop the others, and main, at shutdown, closes it again. The
 * second close panics: "close of closed channel" (exit status 2). */
/* exits: 2 (the second close panics) */
#include <knot/knot.h>
#include <stdio.h>

enum { WORKERS = 3 };

struct crew {
    knot_chan *quit; /* chan struct{}: closed to cancel every worker */
    knot_wg wg;
};

struct worker {
    int id;
    struct crew *crew;
};

static int do_step(int id, int step) { return id == 1 && step == 2 ? -1 : 0; }

static void work(void *arg) {
    const struct worker *w = arg;
    for (int step = 0; step < 5; step++) {
        if (knot_select_nb(&KNOT_CASE_RECV(w->crew->quit, NULL), 1) == 0)
            break; /* cancelled */
        if (do_step(w->id, step) != 0) {
            fprintf(stderr, "worker %d: step %d failed, cancelling\n", w->id, step);
            knot_chan_close(w->crew->quit);
            break;
        }
        knot_sleep(2);
    }
    knot_wg_done(&w->crew->wg);
}

int main(void) {
    static struct crew crew;
    static struct worker ws[WORKERS];
    crew.quit = knot_chan_make(0, 0);
    knot_chan_name(crew.quit, "quit");
    for (int i = 0; i < WORKERS; i++) {
        ws[i] = (struct worker){i, &crew};
        knot_wg_add(&crew.wg, 1);
        knot_go(work, &ws[i]);
    }
    knot_wg_wait(&crew.wg);
    knot_chan_close(crew.quit); // want: close-of-closed
    printf("all workers stopped\n");
    return 0;
}
