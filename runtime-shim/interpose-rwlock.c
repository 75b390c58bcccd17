/* Interposed pthread read-write locks, recorded like mutexes: a lock's
 * event while the lock is held, an unlock's before it is released. Readers
 * hold the lock together, so the lock's clock is raised with an atomic
 * maximum; a writer, alone, always sees every earlier reader's clock. */
#include "internal.h"

#include <errno.h>

typedef int (*rw_fn)(pthread_rwlock_t *);

static _Atomic(void *) real_rdlock, real_wrlock, real_tryrdlock, real_trywrlock, real_unlock;

#define REAL_RW(slot, name) ((rw_fn)knot__libc(&(slot), (name)))

/* Record an event on the lock, raising its clock to the event's. */
static uint64_t emit(uint16_t kind, knot__sync_info *i, const void *ra, uint64_t matched, int rc,
                     bool held) {
    uint64_t clock = __atomic_load_n(&i->clock, __ATOMIC_ACQUIRE);
    uint64_t id = knot__emit_at(kind, KNOT__POINT, knot__self(), i->id, held ? &clock : NULL, ra,
                                matched, (uint64_t)rc);
    uint64_t cur = __atomic_load_n(&i->clock, __ATOMIC_RELAXED);
    while (held && cur < clock &&
           !__atomic_compare_exchange_n(&i->clock, &cur, clock, true, __ATOMIC_ACQ_REL,
                                        __ATOMIC_RELAXED))
        ;
    return id;
}

/* Record a (write) lock call that returned rc; returns rc. */
static int locked(pthread_rwlock_t *l, bool write, int rc, const void *ra) {
    if (rc == 0)
        knot__wire(1); /* glibc records a writer by its thread: stay on it */
    if (KNOT__LIKELY(!knot__tracing))
        return rc;
    knot__sync_info *i = knot__sync_info_of(l);
    if (i)
        emit(
            write ? KNOT__EV_RW_WRLOCK : KNOT__EV_RW_RDLOCK, i, ra,
            rc ? 0
               : __atomic_load_n(write ? &i->last_unlock : &i->last_write_unlock, __ATOMIC_ACQUIRE),
            rc, rc == 0);
    return rc;
}

static int lock(pthread_rwlock_t *l, bool write, bool try, const void *ra) {
    rw_fn attempt = write ? REAL_RW(real_trywrlock, "pthread_rwlock_trywrlock")
                          : REAL_RW(real_tryrdlock, "pthread_rwlock_tryrdlock");
    int rc = attempt(l);
    if (try || rc != EBUSY)
        return locked(l, write, rc, ra);
    /* It must wait: its processor may serve other tasks meanwhile. */
    rw_fn wait = write ? REAL_RW(real_wrlock, "pthread_rwlock_wrlock")
                       : REAL_RW(real_rdlock, "pthread_rwlock_rdlock");
    knot__sched_block_enter();
    rc = wait(l);
    knot__sched_block_exit();
    return locked(l, write, rc, ra);
}

int pthread_rwlock_rdlock(pthread_rwlock_t *l) {
    return lock(l, false, false, __builtin_return_address(0));
}
int pthread_rwlock_wrlock(pthread_rwlock_t *l) {
    return lock(l, true, false, __builtin_return_address(0));
}
int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) {
    return lock(l, false, true, __builtin_return_address(0));
}
int pthread_rwlock_trywrlock(pthread_rwlock_t *l) {
    return lock(l, true, true, __builtin_return_address(0));
}

/* The timed and clock... locks: the same events, with ETIMEDOUT when they
 * gave up. */
typedef int (*rw_timed_fn)(pthread_rwlock_t *, const struct timespec *);
typedef int (*rw_clock_fn)(pthread_rwlock_t *, clockid_t, const struct timespec *);
static _Atomic(void *) real_timedrdlock, real_timedwrlock, real_clockrdlock, real_clockwrlock;

int pthread_rwlock_timedrdlock(pthread_rwlock_t *l, const struct timespec *abstime) {
    rw_timed_fn f = (rw_timed_fn)knot__libc(&real_timedrdlock, "pthread_rwlock_timedrdlock");
    return locked(l, false, f(l, abstime), __builtin_return_address(0));
}
int pthread_rwlock_timedwrlock(pthread_rwlock_t *l, const struct timespec *abstime) {
    rw_timed_fn f = (rw_timed_fn)knot__libc(&real_timedwrlock, "pthread_rwlock_timedwrlock");
    return locked(l, true, f(l, abstime), __builtin_return_address(0));
}
int pthread_rwlock_clockrdlock(pthread_rwlock_t *l, clockid_t clock,
                               const struct timespec *abstime) {
    rw_clock_fn f = (rw_clock_fn)knot__libc(&real_clockrdlock, "pthread_rwlock_clockrdlock");
    return locked(l, false, f(l, clock, abstime), __builtin_return_address(0));
}
int pthread_rwlock_clockwrlock(pthread_rwlock_t *l, clockid_t clock,
                               const struct timespec *abstime) {
    rw_clock_fn f = (rw_clock_fn)knot__libc(&real_clockwrlock, "pthread_rwlock_clockwrlock");
    return locked(l, true, f(l, clock, abstime), __builtin_return_address(0));
}

static int unlock(pthread_rwlock_t *l, const void *ra);

int pthread_rwlock_unlock(pthread_rwlock_t *l) {
    int rc = unlock(l, __builtin_return_address(0));
    if (rc == 0)
        knot__wire(-1);
    return rc;
}

static int unlock(pthread_rwlock_t *l, const void *ra) {
    rw_fn f = REAL_RW(real_unlock, "pthread_rwlock_unlock");
    if (KNOT__LIKELY(!knot__tracing))
        return f(l);
    knot__sync_info *i = knot__sync_info_of(l);
    if (i) {
        /* Whether this unlock ends a write hold: glibc's rwlock records the
         * writer's thread id while it is write-locked. */
#ifdef __GLIBC__
        bool writer =
            __atomic_load_n(&l->__data.__cur_writer, __ATOMIC_RELAXED) == knot__self()->tid;
#else
        bool writer = true; /* cannot tell: order readers after it too */
#endif
        uint64_t id = emit(KNOT__EV_RW_UNLOCK, i, ra, 0, 0, true);
        __atomic_store_n(&i->last_unlock, id, __ATOMIC_RELEASE);
        if (writer)
            __atomic_store_n(&i->last_write_unlock, id, __ATOMIC_RELEASE);
    }
    return f(l);
}

/* An rwlock's life, as a mutex's: one made later at the same address is
 * another lock. */
typedef int (*rw_init_fn)(pthread_rwlock_t *, const pthread_rwlockattr_t *);
static _Atomic(void *) real_init, real_destroy;

int pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *attr) {
    int rc = ((rw_init_fn)knot__libc(&real_init, "pthread_rwlock_init"))(l, attr);
    knot__sync_made(l, KNOT__EV_RW_INIT, rc, __builtin_return_address(0));
    return rc;
}

int pthread_rwlock_destroy(pthread_rwlock_t *l) {
    int rc = REAL_RW(real_destroy, "pthread_rwlock_destroy")(l);
    knot__sync_ended(l, KNOT__EV_RW_DESTROY, rc, __builtin_return_address(0));
    return rc;
}
