/* Interposed pthread barriers (init, wait, destroy).
 *
 * A wait is a begin when the thread arrives and an end when the barrier lets
 * it go; the end names the begin of the arrival that completed the round,
 * which every waiter of the round waited for. Rounds are counted here, under
 * the side table's lock, in the order the arrivals are recorded: the same
 * grouping as libc's whenever no more threads use the barrier than its
 * count (with more, a round's releaser is knot's best reckoning). Every
 * waiter counts as blocked for the live detector until it is let go. */
#include "internal.h"

#include <errno.h>

typedef int (*barrier_fn)(pthread_barrier_t *);
typedef int (*barrier_init_fn)(pthread_barrier_t *, const pthread_barrierattr_t *, unsigned);

static _Atomic(void *) real_init, real_wait, real_destroy;

#define REAL_BARRIER(slot, type, name) ((type)knot__libc(&(slot), (name)))

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr, unsigned count) {
    int rc = REAL_BARRIER(real_init, barrier_init_fn, "pthread_barrier_init")(b, attr, count);
    knot__task *self = knot__self();
    knot__sync_info *i = knot__sync_info_locked(b);
    if (i) {
        knot__sync_info_renew(i);
        i->count = rc ? 0 : count;
        knot__emit_at(KNOT__EV_BARRIER_INIT, KNOT__POINT, self, i->id, &i->clock,
                      __builtin_return_address(0), count, (uint64_t)rc);
        knot__lock_release(&i->lock);
    }
    return rc;
}

/* The arrival: its begin, and the round it joins (ends it, if it is the
 * count-th). */
static uint64_t arrive(knot__sync_info *i, knot__task *self, const void *ra) {
    uint64_t begin =
        knot__emit_at(KNOT__EV_BARRIER_WAIT, KNOT__BEGIN, self, i->id, &i->clock, ra, 0, 0);
    uint64_t round = i->round;
    if (i->count && ++i->arrived == i->count) {
        i->releaser[round % KNOT__BARRIER_ROUNDS] = begin;
        i->arrived = 0;
        i->round++;
    }
    return round;
}

int pthread_barrier_wait(pthread_barrier_t *b) {
    const void *ra = __builtin_return_address(0);
    knot__task *self = knot__self();
    knot__sync_info *i = knot__sync_info_locked(b);
    uint64_t round = 0;
    if (i) {
        round = arrive(i, self, ra);
        knot__lock_release(&i->lock);
    }
    /* glibc's barrier: in, current_round, count, then its FUTEX_SHARED flag. */
    bool counted = knot__block_self_begin(self, "barrier wait", ra,
                                          KNOT__PSHARED(((const int *)(const void *)b)[3], 128));
    int rc = REAL_BARRIER(real_wait, barrier_fn, "pthread_barrier_wait")(b);
    knot__block_self_end(self, counted);
    if (i) {
        knot__lock_acquire(&i->lock);
        knot__emit_at(KNOT__EV_BARRIER_WAIT, KNOT__END, self, i->id, &i->clock, ra,
                      rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD
                          ? i->releaser[round % KNOT__BARRIER_ROUNDS]
                          : 0,
                      (uint64_t)(int64_t)rc);
        knot__lock_release(&i->lock);
    }
    return rc;
}

int pthread_barrier_destroy(pthread_barrier_t *b) {
    int rc = REAL_BARRIER(real_destroy, barrier_fn, "pthread_barrier_destroy")(b);
    knot__task *self = knot__self();
    knot__sync_info *i = knot__sync_info_locked(b);
    if (i) {
        knot__emit_at(KNOT__EV_BARRIER_DESTROY, KNOT__POINT, self, i->id, &i->clock,
                      __builtin_return_address(0), 0, (uint64_t)rc);
        if (rc == 0)
            knot__sync_info_renew(i);
        knot__lock_release(&i->lock);
    }
    return rc;
}
