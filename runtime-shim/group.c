/* knot_group: Go's errgroup.Group with SetLimit and WithContext.
 *
 * The limit is a buffered channel used as a counting semaphore, exactly as
 * errgroup does it, so a knot_group_go that waits for a free slot is an
 * ordinary blocked channel send to the deadlock detector and the recorder.
 * The group itself is an object of the trace too: each task it starts is a
 * group_go, and knot_group_wait a begin and an end with the first error. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

struct knot_group {
    knot_wg wg;
    knot__lock lock;
    int err; /* first non-zero result */
    bool done_closed;
    knot_chan *done;
    knot_chan *sem; /* NULL when unlimited */
    uint64_t id;    /* traced: the group's object id */
    uint64_t clock; /* traced: its Lamport clock, under lock */
};

typedef struct member {
    knot_group *g;
    int (*fn)(void *arg, knot_chan *done);
    void *arg;
    const knot_site *site;
} member;

/* An event on the group, in its order. */
static void record(knot_group *g, uint16_t kind, uint8_t phase, const knot_site *site, uint64_t a,
                   uint64_t b) {
    if (KNOT__LIKELY(!knot__tracing))
        return;
    knot__task *self = knot__self();
    knot__lock_acquire(&g->lock);
    (void)knot__emit(kind, phase, self, g->id, &g->clock, site, a, b);
    knot__lock_release(&g->lock);
}

static void fail(knot_group *g, int err, const knot_site *site) {
    knot__lock_acquire(&g->lock);
    if (err != 0 && g->err == 0)
        g->err = err;
    bool close_now = !g->done_closed;
    g->done_closed = true;
    knot__lock_release(&g->lock);
    if (close_now)
        knot_chan_close_at(g->done, site);
}

static void run_member(void *p) {
    member m = *(member *)p;
    free(p);
    int r = m.fn(m.arg, m.g->done);
    if (r != 0)
        fail(m.g, r, m.site);
    if (m.g->sem)
        (void)knot_chan_recv_at(m.g->sem, NULL, m.site);
    knot_wg_done_at(&m.g->wg, m.site);
}

knot_group *knot_group_make_at(int limit, const knot_site *site) {
    knot_group *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->done = knot_chan_make_at(0, 0, site);
    if (limit > 0)
        g->sem = knot_chan_make_at(0, (size_t)limit, site);
    if (!g->done || (limit > 0 && !g->sem)) {
        knot_chan_free_at(g->done, site);
        knot_chan_free_at(g->sem, site);
        free(g);
        return NULL;
    }
    g->id = knot__object_id();
    knot_chan_name(g->done, "group done");
    if (g->sem)
        knot_chan_name(g->sem, "group limit");
    return g;
}

void knot_group_go_at(knot_group *g, int (*fn)(void *arg, knot_chan *done), void *arg,
                      const knot_site *site) {
    if (g->sem)
        knot_chan_send_at(g->sem, NULL, site); /* blocks while the limit is reached */
    knot_wg_add_at(&g->wg, 1, site);
    member *m = malloc(sizeof *m);
    int err = ENOMEM;
    uint64_t child = 0;
    if (m) {
        *m = (member){g, fn, arg, site};
        err = knot__go_task(run_member, m, site, &child);
    }
    if (!err)
        record(g, KNOT__EV_GROUP_GO, KNOT__POINT, site, child, 0);
    if (err) {
        /* The task could not start: the group fails with -errno, as if the
         * task had returned it, and nothing is left waiting. */
        free(m);
        fail(g, -err, site);
        if (g->sem)
            (void)knot_chan_recv_at(g->sem, NULL, site);
        knot_wg_done_at(&g->wg, site);
    }
}

int knot_group_wait_at(knot_group *g, const knot_site *site) {
    record(g, KNOT__EV_GROUP_WAIT, KNOT__BEGIN, site, 0, 0);
    knot_wg_wait_at(&g->wg, site);
    fail(g, 0, site); /* close done if no error did; records nothing */
    int err = g->err;
    record(g, KNOT__EV_GROUP_WAIT, KNOT__END, site, 0, (uint64_t)(int64_t)err);
    knot_chan_free_at(g->done, site);
    knot_chan_free_at(g->sem, site);
    free(g);
    return err;
}

knot_chan *knot_group_done(knot_group *g) { return g->done; }

knot_group *knot_group_make(int limit) { return knot_group_make_at(limit, NULL); }
void knot_group_go(knot_group *g, int (*fn)(void *arg, knot_chan *done), void *arg) {
    knot_group_go_at(g, fn, arg, NULL);
}
int knot_group_wait(knot_group *g) { return knot_group_wait_at(g, NULL); }
