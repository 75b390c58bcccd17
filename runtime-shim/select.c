/* select, after Go's runtime/select.go.
 *
 * 1. Shuffle the poll order (uniform choice among ready cases) and lock every
 *    distinct channel in address order (no lock-order deadlock between two
 *    selects).
 * 2. Run the first ready case in poll order.
 * 3. Otherwise queue one waiter per case, all sharing one claim word, and
 *    park. The first partner to win the claim moves the value and wakes us;
 *    later partners see the claim taken and skip our other waiters.
 * 4. Awake, lock everything again and unqueue the waiters that did not fire. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define SMALL 8

typedef struct sel {
    knot_case *cases;
    size_t n;
    int *order; /* poll order: indices of non-nil cases */
    size_t norder;
    knot_chan **locks; /* distinct channels, by address */
    size_t nlocks;
    knot__waiter *waiters;
} sel;

static void lock_all(sel *s) {
    for (size_t i = 0; i < s->nlocks; i++)
        knot__lock_acquire(&s->locks[i]->lock);
}

static void unlock_all(sel *s) {
    for (size_t i = s->nlocks; i-- > 0;)
        knot__lock_release(&s->locks[i]->lock);
}

static void plan(sel *s, knot__task *self) {
    s->norder = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->cases[i].ch)
            s->order[s->norder++] = (int)i;
    /* Fisher–Yates over the non-nil cases. */
    for (size_t i = s->norder; i > 1; i--) {
        size_t j = knot__rand(self, (uint32_t)i);
        int tmp = s->order[i - 1];
        s->order[i - 1] = s->order[j];
        s->order[j] = tmp;
    }
    /* Insertion sort by address; the case count is small. */
    s->nlocks = 0;
    for (size_t k = 0; k < s->norder; k++) {
        knot_chan *ch = s->cases[s->order[k]].ch;
        size_t i = s->nlocks;
        while (i > 0 && (uintptr_t)s->locks[i - 1] > (uintptr_t)ch)
            i--;
        if (i > 0 && s->locks[i - 1] == ch)
            continue;
        memmove(&s->locks[i + 1], &s->locks[i], (s->nlocks - i) * sizeof *s->locks);
        s->locks[i] = ch;
        s->nlocks++;
    }
}

/* Poll in shuffled order; returns the case run, or -1. Unlocks on success. */
static int poll_ready(sel *s, const knot_site *site, knot__task *task, bool block) {
    knot__op op = {task, site, block ? KNOT__EV_SELECT : KNOT__EV_SELECT_NB, 0};
    for (size_t k = 0; k < s->norder; k++) {
        int i = s->order[k];
        knot_case *c = &s->cases[i];
        knot__waiter *wake = NULL;
        op.case_index = i;
        if (c->dir == KNOT_SEND) {
            if (c->ch->closed) {
                unlock_all(s);
                knot__chan_panic(c->ch, site, KNOT__PANIC_SEND_ON_CLOSED, "send on closed channel");
            }
            if (!knot__chan_try_send(c->ch, c->elem, &wake, &op))
                continue;
        } else {
            bool ok = false;
            if (!knot__chan_try_recv(c->ch, c->elem, &ok, &wake, &op))
                continue;
            c->ok = ok;
        }
        unlock_all(s);
        knot__chan_wake(wake);
        return i;
    }
    return -1;
}

/* A select that waits on a timer among other channels says which channels:
 * a task looping forever on a ticker, with nothing that could ever make its
 * other cases ready, is a leak only the case list shows. Other selects do
 * not pay for it. */
static void trace_cases(sel *s, knot__task *self, const knot_site *site) {
    if (KNOT__LIKELY(!knot__tracing))
        return;
    bool timer = false;
    for (size_t k = 0; k < s->norder; k++)
        timer |= s->cases[s->order[k]].ch->is_timer;
    for (size_t k = 0; timer && k < s->norder; k++) {
        const knot_case *c = &s->cases[s->order[k]];
        (void)knot__emit(KNOT__EV_SELECT_CASE, KNOT__POINT, self, c->ch->id, NULL, site,
                         (uint64_t)c->dir, 0);
    }
}

static int wait_for_partner(sel *s, knot__task *self, const knot_site *site) {
    _Atomic int selected;
    atomic_init(&selected, -1);
    for (size_t k = 0; k < s->norder; k++) {
        int i = s->order[k];
        knot_case *c = &s->cases[i];
        knot__waiter *w = &s->waiters[k];
        *w = (knot__waiter){.task = self,
                            .elem = c->elem,
                            .selected = &selected,
                            .case_index = i,
                            .site = site,
                            .kind = KNOT__EV_SELECT};
        knot__waitq_push(c->dir == KNOT_SEND ? &c->ch->sendq : &c->ch->recvq, w);
    }
    trace_cases(s, self, site);
    (void)KNOT__TRACE(KNOT__EV_SELECT, KNOT__BEGIN, self, 0, NULL, site, s->n, 0);
    knot__block_begin(self, "select", site);
    unlock_all(s);
    knot__park(&self->parker);

    int fired = atomic_load_explicit(&selected, memory_order_acquire);
    knot__waiter *won = NULL;
    lock_all(s);
    for (size_t k = 0; k < s->norder; k++) {
        knot__waiter *w = &s->waiters[k];
        knot_case *c = &s->cases[w->case_index];
        if (w->case_index == fired)
            won = w; /* the waker already unqueued it */
        else
            knot__waitq_remove(c->dir == KNOT_SEND ? &c->ch->sendq : &c->ch->recvq, w);
    }
    unlock_all(s);

    if (!won) /* a claim names one of our cases; anything else is corruption */
        abort();
    knot_case *c = &s->cases[fired];
    if (c->dir == KNOT_SEND && !won->success)
        knot__chan_panic(c->ch, site, KNOT__PANIC_SEND_ON_CLOSED, "send on closed channel");
    if (c->dir == KNOT_RECV)
        c->ok = won->success;
    return fired;
}

static int do_select(knot_case *cases, size_t n, bool block, const knot_site *site) {
    int order_small[SMALL];
    knot_chan *locks_small[SMALL];
    knot__waiter waiters_small[SMALL];
    sel s = {.cases = cases,
             .n = n,
             .order = order_small,
             .locks = locks_small,
             .waiters = waiters_small};
    void *heap = NULL;
    if (n > SMALL) {
        heap = malloc(n * (sizeof(int) + sizeof(knot_chan *) + sizeof(knot__waiter)));
        if (!heap)
            knot__panic(site, NULL, KNOT__PANIC_OTHER, "select: out of memory");
        s.waiters = heap;
        s.locks = (knot_chan **)(s.waiters + n);
        s.order = (int *)(s.locks + n);
    }
    knot__task *self = knot__self();
    plan(&s, self);
    if (s.norder == 0) {
        free(heap);
        if (!block)
            return -1;
        (void)KNOT__TRACE(KNOT__EV_SELECT, KNOT__BEGIN, self, 0, NULL, site, n, 0);
        knot__block_forever(n ? "select (nil chans)" : "select (no cases)", site);
    }
    lock_all(&s);
    int r = poll_ready(&s, site, self, block);
    if (r < 0) {
        if (block) {
            r = wait_for_partner(&s, self, site);
        } else {
            (void)KNOT__TRACE(KNOT__EV_SELECT_NB, KNOT__POINT, self, 0, NULL, site, 0, -1);
            unlock_all(&s);
        }
    }
    free(heap);
    return r;
}

int knot_select_at(knot_case *cases, size_t n, const knot_site *site) {
    return do_select(cases, n, true, site);
}

int knot_select_nb_at(knot_case *cases, size_t n, const knot_site *site) {
    return do_select(cases, n, false, site);
}

int knot_select(knot_case *cases, size_t n) { return knot_select_at(cases, n, NULL); }
int knot_select_nb(knot_case *cases, size_t n) { return knot_select_nb_at(cases, n, NULL); }
