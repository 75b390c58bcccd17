/* Wait groups: a counter and a list of parked waiters, behind a futex lock
 * that lives inside the caller's zero-initialised knot_wg. */
#include "internal.h"

static knot__lock *wg_lock(knot_wg *wg) { return (knot__lock *)(void *)&wg->knot__lock; }

/* The wait group's object id in the trace, given on first traced use. */
static uint64_t wg_id(knot_wg *wg) {
    if (!wg->knot__id)
        wg->knot__id = knot__object_id();
    return wg->knot__id;
}

void knot_wg_add_at(knot_wg *wg, int delta, const knot_site *site) {
    knot__lock_acquire(wg_lock(wg));
    wg->knot__count += delta;
    uint64_t seq = KNOT__TRACE(KNOT__EV_WG_ADD, KNOT__POINT, knot__self(), wg_id(wg),
                               &wg->knot__clock, site, (int64_t)delta, wg->knot__count);
    if (wg->knot__count < 0) {
        knot__lock_release(wg_lock(wg));
        knot__panic(site, NULL, KNOT__PANIC_NEGATIVE_WG, "sync: negative WaitGroup counter");
    }
    knot__waiter *woken = NULL;
    if (wg->knot__count == 0) {
        wg->knot__zero_seq = seq;
        woken = wg->knot__waiters;
        wg->knot__waiters = NULL;
        for (knot__waiter **p = &woken; *p;) {
            if ((*p)->task->gone) { /* left waiting by a parent's task before fork() */
                *p = (*p)->next;
                continue;
            }
            knot__block_claimed();
            (void)KNOT__TRACE(KNOT__EV_WG_WAIT, KNOT__END, (*p)->task, wg->knot__id,
                              &wg->knot__clock, (*p)->site, seq, 0);
            p = &(*p)->next;
        }
    }
    knot__lock_release(wg_lock(wg));
    while (woken) {
        knot__waiter *w = woken;
        woken = w->next; /* read before the wake: the waiter's frame may vanish */
        knot__chan_wake(w);
    }
}

void knot_wg_done_at(knot_wg *wg, const knot_site *site) { knot_wg_add_at(wg, -1, site); }

void knot_wg_wait_at(knot_wg *wg, const knot_site *site) {
    knot__lock_acquire(wg_lock(wg));
    if (wg->knot__count == 0) {
        (void)KNOT__TRACE(KNOT__EV_WG_WAIT, KNOT__POINT, knot__self(), wg_id(wg), &wg->knot__clock,
                          site, wg->knot__zero_seq, 0);
        knot__lock_release(wg_lock(wg));
        return;
    }
    knot__task *self = knot__self();
    knot__waiter w = {
        .task = self, .next = wg->knot__waiters, .site = site, .kind = KNOT__EV_WG_WAIT};
    wg->knot__waiters = &w;
    (void)KNOT__TRACE(KNOT__EV_WG_WAIT, KNOT__BEGIN, self, wg_id(wg), &wg->knot__clock, site, 0, 0);
    knot__block_begin(self, "wait group wait", site);
    knot__lock_release(wg_lock(wg));
    knot__park(&self->parker);
}

void knot_wg_add(knot_wg *wg, int delta) { knot_wg_add_at(wg, delta, NULL); }
void knot_wg_done(knot_wg *wg) { knot_wg_add_at(wg, -1, NULL); }
void knot_wg_wait(knot_wg *wg) { knot_wg_wait_at(wg, NULL); }
