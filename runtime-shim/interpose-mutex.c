/* Interposed pthread mutexes, and the condition variables that wait on
 * them: a program linked with libknot (or with it preloaded) calls these
 * instead of libc's, and with tracing on each lock, trylock, unlock, wait and
 * signal is recorded. Untraced, each call costs one branch and an indirect
 * call.
 *
 * Order: a lock's event is written while the mutex is held, an unlock's
 * before it is released, so the mutex itself orders its events as it orders
 * the operations. Each mutex gets an object id, a Lamport clock and the id of
 * its last unlock in the side table of sync-table.c. */
#include "internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*mutex_fn)(pthread_mutex_t *);

#define REAL_INIT(slot, type, name) ((type)knot__libc(&(slot), (name)))

static _Atomic(mutex_fn) real_lock, real_trylock, real_unlock;

static mutex_fn real(_Atomic(mutex_fn) *slot, const char *name) {
    return (mutex_fn)knot__libc((_Atomic(void *) *)(void *)slot, name);
}

/* ---- blocking, for the live deadlock detector ---------------------------------------------- */

/* Take m, counting this task as blocked while it waits, so that tasks stuck
 * on mutexes (the classic AB-BA) are part of "all tasks are asleep". */
static int lock_blocking(pthread_mutex_t *m, const void *ra) {
    knot__task *self = knot__self();
    atomic_store_explicit(&self->waiting_mutex, m, memory_order_release);
    bool counted =
        knot__block_self_begin(self, "mutex lock", ra, KNOT__PSHARED(m->__data.__kind, 128));
    int rc = real(&real_lock, "pthread_mutex_lock")(m);
    knot__block_self_end(self, counted);
    atomic_store_explicit(&self->waiting_mutex, NULL, memory_order_release);
    return rc;
}

bool knot__mutex_waiter_can_run(knot__task *t) {
    pthread_mutex_t *m = atomic_load_explicit(&t->waiting_mutex, memory_order_acquire);
    if (!m)
        return false;
        /* glibc's lock word is 0 while the mutex is free, and its owner field
         * names the holding thread. The waiter can run if the mutex is free, if
         * it has just taken it itself (it still counts as blocked until its
         * lock call returns), or while the owner is not yet written. */
#ifdef __GLIBC__
    int lock = __atomic_load_n(&m->__data.__lock, __ATOMIC_ACQUIRE);
    int owner = __atomic_load_n(&m->__data.__owner, __ATOMIC_ACQUIRE);
    return lock == 0 || owner == 0 || owner == t->tid;
#else
    return m != NULL; /* cannot tell: never call a mutex waiter stuck */
#endif
}

/* ---- traced paths --------------------------------------------------------------------- */

typedef int (*timedlock_fn)(pthread_mutex_t *, const struct timespec *);
typedef int (*clocklock_fn)(pthread_mutex_t *, clockid_t, const struct timespec *);
static _Atomic(void *) real_timedlock, real_clocklock;

/* The acquisition that may have to wait: a blocking lock, which counts for
 * the live detector, or one with a deadline, which does not: it ends by
 * itself. */
static int lock_slow(pthread_mutex_t *m, const knot__deadline *d, const void *ra) {
    if (!d)
        return lock_blocking(m, ra);
    if (d->clocked)
        return ((clocklock_fn)knot__libc(&real_clocklock, "pthread_mutex_clocklock"))(m, d->clock,
                                                                                      d->abstime);
    return ((timedlock_fn)knot__libc(&real_timedlock, "pthread_mutex_timedlock"))(m, d->abstime);
}

static int traced_lock(pthread_mutex_t *m, const knot__deadline *d, const void *ra) {
    uint16_t kind = d ? KNOT__EV_MUTEX_TIMEDLOCK : KNOT__EV_MUTEX_LOCK;
    knot__task *t = knot__self();
    knot__sync_info *i = knot__sync_info_of(m);
    int rc = real(&real_trylock, "pthread_mutex_trylock")(m);
    if (!i)
        return rc == EBUSY ? lock_slow(m, d, ra) : rc;
    uint8_t phase = KNOT__POINT;
    if (rc == EBUSY) {
        /* Contended: a begin now, the end once the mutex is ours (or not). */
        knot__emit_at(kind, KNOT__BEGIN, t, i->id, NULL, ra, 0, 0);
        rc = lock_slow(m, d, ra);
        phase = KNOT__END;
    }
    knot__emit_at(kind, phase, t, i->id, rc == 0 ? &i->clock : NULL, ra,
                  rc == 0 ? i->last_unlock : 0, (uint64_t)rc);
    return rc;
}

static int traced_trylock(pthread_mutex_t *m, const void *ra) {
    int rc = real(&real_trylock, "pthread_mutex_trylock")(m);
    knot__sync_info *i = knot__sync_info_of(m);
    if (i)
        knot__emit_at(KNOT__EV_MUTEX_TRYLOCK, KNOT__POINT, knot__self(), i->id,
                      rc == 0 ? &i->clock : NULL, ra, rc == 0 ? i->last_unlock : 0, (uint64_t)rc);
    return rc;
}

static int traced_unlock(pthread_mutex_t *m, const void *ra) {
    knot__sync_info *i = knot__sync_info_of(m);
    if (!i)
        return real(&real_unlock, "pthread_mutex_unlock")(m);
    /* Recorded while still held, so the next lock's event comes after it.
     * (An unlock by a thread that does not hold the mutex is a bug of the
     * program; it is recorded, followed by its error.) */
    knot__task *t = knot__self();
    i->last_unlock =
        knot__emit_at(KNOT__EV_MUTEX_UNLOCK, KNOT__POINT, t, i->id, &i->clock, ra, 0, 0);
    int rc = real(&real_unlock, "pthread_mutex_unlock")(m);
    if (rc != 0)
        knot__emit_at(KNOT__EV_MUTEX_UNLOCK, KNOT__POINT, t, i->id, NULL, ra, 0, (uint64_t)rc);
    return rc;
}

/* ---- the interposed functions, and the same for C11's mtx_* ------------------------------ */

/* A task holding a pthread mutex stays on its thread: glibc records the
 * owner by thread. EOWNERDEAD hands the lock over too. */
static int wired(int rc) {
    if (rc == 0 || rc == EOWNERDEAD)
        knot__wire(1);
    return rc;
}

static int unwired(int rc) {
    if (rc == 0)
        knot__wire(-1);
    return rc;
}

static int mutex_lock(pthread_mutex_t *m, const knot__deadline *d, const void *ra);
static int mutex_trylock(pthread_mutex_t *m, const void *ra);
static int mutex_unlock(pthread_mutex_t *m, const void *ra);

int knot__mutex_lock(pthread_mutex_t *m, const knot__deadline *d, const void *ra) {
    return wired(mutex_lock(m, d, ra));
}

int knot__mutex_trylock(pthread_mutex_t *m, const void *ra) { return wired(mutex_trylock(m, ra)); }

int knot__mutex_unlock(pthread_mutex_t *m, const void *ra) { return unwired(mutex_unlock(m, ra)); }

static int mutex_lock(pthread_mutex_t *m, const knot__deadline *d, const void *ra) {
    if (KNOT__LIKELY(!knot__tracing) || knot__recording) {
        int rc = real(&real_trylock, "pthread_mutex_trylock")(m);
        return rc == EBUSY ? lock_slow(m, d, ra) : rc;
    }
    return traced_lock(m, d, ra);
}

static int mutex_trylock(pthread_mutex_t *m, const void *ra) {
    if (KNOT__LIKELY(!knot__tracing) || knot__recording)
        return real(&real_trylock, "pthread_mutex_trylock")(m);
    return traced_trylock(m, ra);
}

static int mutex_unlock(pthread_mutex_t *m, const void *ra) {
    if (KNOT__LIKELY(!knot__tracing) || knot__recording)
        return real(&real_unlock, "pthread_mutex_unlock")(m);
    return traced_unlock(m, ra);
}

static _Atomic(mutex_fn) real_destroy;

int knot__mutex_destroy(pthread_mutex_t *m, const void *ra) {
    int rc = real(&real_destroy, "pthread_mutex_destroy")(m);
    knot__sync_info *i = KNOT__UNLIKELY(knot__tracing) ? knot__sync_info_of(m) : NULL;
    /* Nobody may use a mutex being destroyed, so its entry is ours to take;
     * a mutex made later at its address is another object. */
    if (i) {
        knot__emit_at(KNOT__EV_MUTEX_DESTROY, KNOT__POINT, knot__self(), i->id, &i->clock, ra, 0,
                      (uint64_t)rc);
        if (rc == 0)
            knot__sync_info_renew(i);
    }
    return rc;
}

typedef int (*mutex_init_fn)(pthread_mutex_t *, const pthread_mutexattr_t *);
static _Atomic(void *) real_mutex_init;

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr) {
    int rc = REAL_INIT(real_mutex_init, mutex_init_fn, "pthread_mutex_init")(m, attr);
    knot__sync_made(m, KNOT__EV_MUTEX_INIT, rc, __builtin_return_address(0));
    return rc;
}

int pthread_mutex_lock(pthread_mutex_t *m) {
    return knot__mutex_lock(m, NULL, __builtin_return_address(0));
}

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime) {
    return knot__mutex_lock(m, &(knot__deadline){abstime, CLOCK_REALTIME, false},
                            __builtin_return_address(0));
}

int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clock, const struct timespec *abstime) {
    return knot__mutex_lock(m, &(knot__deadline){abstime, clock, true},
                            __builtin_return_address(0));
}

int pthread_mutex_trylock(pthread_mutex_t *m) {
    return knot__mutex_trylock(m, __builtin_return_address(0));
}

int pthread_mutex_unlock(pthread_mutex_t *m) {
    return knot__mutex_unlock(m, __builtin_return_address(0));
}

int pthread_mutex_destroy(pthread_mutex_t *m) {
    return knot__mutex_destroy(m, __builtin_return_address(0));
}

/* ---- condition variables -------------------------------------------------------------------
 *
 * pthread_cond_wait releases and retakes the mutex inside libc, past this
 * interposition, so the wait is recorded as what it does to the mutex: an
 * unlock before it (while still held) and a lock after it (held again), with
 * the wait itself as a begin/end on the condition variable between them. */

typedef int (*cond_wait_fn)(pthread_cond_t *, pthread_mutex_t *);
typedef int (*cond_timedwait_fn)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
typedef int (*cond_clockwait_fn)(pthread_cond_t *, pthread_mutex_t *, clockid_t,
                                 const struct timespec *);
typedef int (*cond_fn)(pthread_cond_t *);

static _Atomic(cond_wait_fn) real_cond_wait;
static _Atomic(cond_timedwait_fn) real_cond_timedwait;
static _Atomic(cond_clockwait_fn) real_cond_clockwait;
static _Atomic(cond_fn) real_cond_signal, real_cond_broadcast;

#define REAL_FN(slot, type, name) ((type)knot__libc((_Atomic(void *) *)(void *)&(slot), (name)))

/* Record the unlock the wait performs; returns the mutex's info. */
static knot__sync_info *wait_begins(pthread_cond_t *c, pthread_mutex_t *m, const void *ra,
                                    knot__sync_info **cond) {
    knot__task *t = knot__self();
    knot__sync_info *i = knot__sync_info_of(m);
    *cond = knot__sync_info_of(c);
    if (i)
        i->last_unlock =
            knot__emit_at(KNOT__EV_MUTEX_UNLOCK, KNOT__POINT, t, i->id, &i->clock, ra, 0, 0);
    if (*cond)
        knot__emit_at(KNOT__EV_COND_WAIT, KNOT__BEGIN, t, (*cond)->id, NULL, ra, i ? i->id : 0, 0);
    return i;
}

static void wait_ends(knot__sync_info *i, knot__sync_info *cond, const void *ra, int rc) {
    knot__task *t = knot__self();
    if (cond)
        knot__emit_at(KNOT__EV_COND_WAIT, KNOT__END, t, cond->id, NULL, ra, i ? i->id : 0,
                      (uint64_t)rc);
    if (i) /* the mutex is held again, whatever rc says */
        knot__emit_at(KNOT__EV_MUTEX_LOCK, KNOT__POINT, t, i->id, &i->clock, ra, i->last_unlock, 0);
}

/* The wait itself: an untimed one counts as blocked for the live detector
 * (a signal wakes it, or nothing does); a timed one ends by itself. */
static int cond_wait_real(pthread_cond_t *c, pthread_mutex_t *m, const knot__deadline *d,
                          const void *ra) {
    if (d && d->clocked)
        return REAL_FN(real_cond_clockwait, cond_clockwait_fn,
                       "pthread_cond_clockwait")(c, m, d->clock, d->abstime);
    if (d)
        return REAL_FN(real_cond_timedwait, cond_timedwait_fn,
                       "pthread_cond_timedwait")(c, m, d->abstime);
    knot__task *self = knot__self();
    bool counted =
        knot__block_self_begin(self, "cond wait", ra, KNOT__PSHARED(c->__data.__wrefs, 1u));
    int rc = REAL_FN(real_cond_wait, cond_wait_fn, "pthread_cond_wait")(c, m);
    knot__block_self_end(self, counted);
    return rc;
}

int knot__cond_wait(pthread_cond_t *c, pthread_mutex_t *m, const knot__deadline *d,
                    const void *ra) {
    if (KNOT__LIKELY(!knot__tracing))
        return cond_wait_real(c, m, d, ra);
    knot__sync_info *cond;
    knot__sync_info *i = wait_begins(c, m, ra, &cond);
    int rc = cond_wait_real(c, m, d, ra);
    wait_ends(i, cond, ra, rc);
    return rc;
}

/* Condition variable events carry no clock of the cond's own: signals are
 * not made under any lock of knot's. Their order to the waiters comes from
 * the mutex, which a signaller normally holds. */
int knot__cond_signal(pthread_cond_t *c, bool all, const void *ra) {
    cond_fn f = all ? REAL_FN(real_cond_broadcast, cond_fn, "pthread_cond_broadcast")
                    : REAL_FN(real_cond_signal, cond_fn, "pthread_cond_signal");
    knot__sync_info *cond = KNOT__UNLIKELY(knot__tracing) ? knot__sync_info_of(c) : NULL;
    if (cond)
        knot__emit_at(all ? KNOT__EV_COND_BROADCAST : KNOT__EV_COND_SIGNAL, KNOT__POINT,
                      knot__self(), cond->id, NULL, ra, 0, 0);
    return f(c);
}

/* A cond's life: a cond made later at the same address (pigz makes and
 * frees a mutex and a cond per job) is another cond, whose waits may use
 * another mutex. */
typedef int (*cond_init_fn)(pthread_cond_t *, const pthread_condattr_t *);
static _Atomic(void *) real_cond_init, real_cond_destroy;

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr) {
    int rc = REAL_INIT(real_cond_init, cond_init_fn, "pthread_cond_init")(c, attr);
    knot__sync_made(c, KNOT__EV_COND_INIT, rc, __builtin_return_address(0));
    return rc;
}

int knot__cond_destroy(pthread_cond_t *c, const void *ra) {
    int rc = REAL_INIT(real_cond_destroy, cond_fn, "pthread_cond_destroy")(c);
    knot__sync_ended(c, KNOT__EV_COND_DESTROY, rc, ra);
    return rc;
}

int pthread_cond_destroy(pthread_cond_t *c) {
    return knot__cond_destroy(c, __builtin_return_address(0));
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) {
    return knot__cond_wait(c, m, NULL, __builtin_return_address(0));
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime) {
    return knot__cond_wait(c, m, &(knot__deadline){abstime, CLOCK_REALTIME, false},
                           __builtin_return_address(0));
}

int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t clock,
                           const struct timespec *abstime) {
    return knot__cond_wait(c, m, &(knot__deadline){abstime, clock, true},
                           __builtin_return_address(0));
}

int pthread_cond_signal(pthread_cond_t *c) {
    return knot__cond_signal(c, false, __builtin_return_address(0));
}

int pthread_cond_broadcast(pthread_cond_t *c) {
    return knot__cond_signal(c, true, __builtin_return_address(0));
}
