/* close-of-closed.c with a cancel-once helper: whoever cancels first closes
 * quit, under a mutex that remembers it was done; later calls do nothing. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

enum { WORKERS = 3 };

struct crew {
    knot_chan *quit; /* chan struct{}: closed to cancel every worker */
    pthread_mutex_t mu;
    bool cancelled;
    knot_wg wg;
};

struct worker {
    int id;
    struct crew *crew;
};

static void cancel(struct crew *c) {
    pthread_mutex_lock(&c->mu);
    if (!c->cancelled) {
        c->cancelled = true;
        knot_chan_close(c->quit);
    }
    pthread_mutex_unlock(&c->mu);
}

static int do_step(int id, int step) { return id == 1 && step == 2 ? -1 : 0; }

static void work(void *arg) {
    const struct worker *w = arg;
    for (int step = 0; step < 5; step++) {
        if (knot_select_nb(&KNOT_CASE_RECV(w->crew->quit, NULL), 1) == 0)
            break;
        if (do_step(w->id, step) != 0) {
            fprintf(stderr, "worker %d: step %d failed, cancelling\n", w->id, step);
            cancel(w->crew);
            break;
        }
        knot_sleep(2);
    }
    knot_wg_done(&w->crew->wg);
}

int main(void) {
    static struct crew crew = {.mu = PTHREAD_MUTEX_INITIALIZER};
    static struct worker ws[WORKERS];
    crew.quit = knot_chan_make(0, 0);
    knot_chan_name(crew.quit, "quit");
    for (int i = 0; i < WORKERS; i++) {
        ws[i] = (struct worker){i, &crew};
        knot_wg_add(&crew.wg, 1);
        knot_go(work, &ws[i]);
    }
    knot_wg_wait(&crew.wg);
    cancel(&crew); /* a no-op if a worker already cancelled */
    knot_chan_free(crew.quit);
    printf("all workers stopped\n");
    return 0;
}
