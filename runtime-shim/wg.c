/* Wait groups: a counter and a list of parked waiters, behind a futex lock
 * that lives inside the caller's zero-initialised knot_wg. */
#include "internal.h"

static knot__lock *wg_lock(knot_wg *wg) { return (knot__lock *)(void *)&wg->knot__lock; }

void knot_wg_add_at(knot_wg *wg, int delta, const knot_site *site) {
    knot__lock_acquire(wg_lock(wg));
    wg->knot__count += delta;
    if (wg->knot__count < 0) {
        knot__lock_release(wg_lock(wg));
        knot__panic(site, NULL, "sync: negative WaitGroup counter");
    }
    knot__waiter *woken = NULL;
    if (wg->knot__count == 0) {
        woken = wg->knot__waiters;
        wg->knot__waiters = NULL;
        for (knot__waiter **p = &woken; *p;) {
            if ((*p)->task->gone) { /* left waiting by a parent's task before fork() */
                *p = (*p)->next;
                continue;
            }
            knot__block_claimed();
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
        knot__lock_release(wg_lock(wg));
        return;
    }
    knot__task *self = knot__self();
    knot__waiter w = {.task = self, .next = wg->knot__waiters};
    wg->knot__waiters = &w;
    knot__block_begin(self, "wait group wait", site);
    knot__lock_release(wg_lock(wg));
    knot__park(&self->parker);
}

void knot_wg_add(knot_wg *wg, int delta) { knot_wg_add_at(wg, delta, NULL); }
void knot_wg_done(knot_wg *wg) { knot_wg_add_at(wg, -1, NULL); }
void knot_wg_wait(knot_wg *wg) { knot_wg_wait_at(wg, NULL); }
