/* Interposed pthread spinlocks, recorded like mutexes: a lock's event while
 * the lock is held, an unlock's before it is released, so the spinlock orders
 * its own events. A lock that finds the spinlock taken writes a begin before
 * it spins and an end once it has it: a task spinning forever shows in the
 * trace as blocked there. A spinning task is running, not asleep, so it does
 * not count as blocked for the live deadlock detector. */
#include "internal.h"

#include <errno.h>
#include <pthread.h>

typedef int (*spin_fn)(pthread_spinlock_t *);

static _Atomic(void *) real_lock, real_trylock, real_unlock;

#define REAL_SPIN(slot, name) ((spin_fn)knot__libc(&(slot), (name)))

/* The side-table entry of a spinlock: its address is all the table keeps
 * (pthread_spinlock_t is a volatile int, never read here). */
static knot__sync_info *info_of(pthread_spinlock_t *l) {
    return knot__sync_info_of((const void *)(uintptr_t)l);
}

int pthread_spin_lock(pthread_spinlock_t *l) {
    const void *ra = __builtin_return_address(0);
    spin_fn trylock = REAL_SPIN(real_trylock, "pthread_spin_trylock");
    if (KNOT__LIKELY(!knot__tracing))
        return REAL_SPIN(real_lock, "pthread_spin_lock")(l);
    knot__sync_info *i = info_of(l);
    int rc = trylock(l);
    if (!i)
        return rc == EBUSY ? REAL_SPIN(real_lock, "pthread_spin_lock")(l) : rc;
    knot__task *t = knot__self();
    uint8_t phase = KNOT__POINT;
    if (rc == EBUSY) {
        knot__emit_at(KNOT__EV_SPIN_LOCK, KNOT__BEGIN, t, i->id, NULL, ra, 0, 0);
        rc = REAL_SPIN(real_lock, "pthread_spin_lock")(l);
        phase = KNOT__END;
    }
    knot__emit_at(KNOT__EV_SPIN_LOCK, phase, t, i->id, rc == 0 ? &i->clock : NULL, ra,
                  rc == 0 ? i->last_unlock : 0, (uint64_t)rc);
    return rc;
}

int pthread_spin_trylock(pthread_spinlock_t *l) {
    int rc = REAL_SPIN(real_trylock, "pthread_spin_trylock")(l);
    if (KNOT__LIKELY(!knot__tracing))
        return rc;
    knot__sync_info *i = info_of(l);
    if (i)
        knot__emit_at(KNOT__EV_SPIN_TRYLOCK, KNOT__POINT, knot__self(), i->id,
                      rc == 0 ? &i->clock : NULL, __builtin_return_address(0),
                      rc == 0 ? i->last_unlock : 0, (uint64_t)rc);
    return rc;
}

int pthread_spin_unlock(pthread_spinlock_t *l) {
    spin_fn unlock = REAL_SPIN(real_unlock, "pthread_spin_unlock");
    if (KNOT__LIKELY(!knot__tracing))
        return unlock(l);
    knot__sync_info *i = info_of(l);
    if (i) /* while still held: the next lock's event comes after it */
        i->last_unlock = knot__emit_at(KNOT__EV_SPIN_UNLOCK, KNOT__POINT, knot__self(), i->id,
                                       &i->clock, __builtin_return_address(0), 0, 0);
    return unlock(l);
}
