/* Interposed pthread read-write locks, recorded like mutexes: a lock's
 * event while the lock is held, an unlock's before it is released. Readers
 * hold the lock together, so the lock's clock is raised with an atomic
 * maximum; a writer, alone, always sees every earlier reader's clock. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

typedef int (*rw_fn)(pthread_rwlock_t *);

static _Atomic(void *) real_rdlock, real_wrlock, real_tryrdlock, real_trywrlock, real_unlock;

#define REAL_RW(slot, name) ((rw_fn)knot__libc(&(slot), (name)))

typedef struct rw_info {
    const void *addr;
    uint64_t id;
    _Atomic uint64_t clock;
    _Atomic uint64_t last_write_unlock; /* what a reader waits for */
    _Atomic uint64_t last_unlock;       /* what a writer waits for */
} rw_info;

#define SLOTS (1u << 14)
static _Atomic(rw_info *) slots[SLOTS];

/* Lock-free lookup, as for mutexes. */
static rw_info *info_of(const void *l) {
    size_t h = (size_t)(((uintptr_t)l >> 3) * 0x9E3779B97F4A7C15ull >> 50) & (SLOTS - 1);
    rw_info *mine = NULL;
    for (unsigned probe = 0; probe < SLOTS; probe++, h = (h + 1) & (SLOTS - 1)) {
        rw_info *i = atomic_load_explicit(&slots[h], memory_order_acquire);
        if (i && i->addr == l) {
            free(mine);
            return i;
        }
        if (i)
            continue;
        if (!mine && !(mine = calloc(1, sizeof *mine)))
            return NULL;
        mine->addr = l;
        if (!mine->id)
            mine->id = knot__object_id();
        if (atomic_compare_exchange_strong(&slots[h], &i, mine))
            return mine;
        if (i->addr == l) {
            free(mine);
            return i;
        }
    }
    free(mine);
    return NULL;
}

/* Record an event on the lock, raising its clock to the event's. */
static uint64_t emit(uint16_t kind, rw_info *i, const void *ra, uint64_t matched, int rc,
                     bool held) {
    uint64_t clock = atomic_load_explicit(&i->clock, memory_order_acquire);
    uint64_t id = knot__emit_at(kind, KNOT__POINT, knot__self(), i->id, held ? &clock : NULL, ra,
                                matched, (uint64_t)rc);
    uint64_t cur = atomic_load_explicit(&i->clock, memory_order_relaxed);
    while (held && cur < clock &&
           !atomic_compare_exchange_weak_explicit(&i->clock, &cur, clock, memory_order_acq_rel,
                                                  memory_order_relaxed))
        ;
    return id;
}

static int lock(pthread_rwlock_t *l, bool write, bool try, const void *ra) {
    rw_fn f = write ? (try ? REAL_RW(real_trywrlock, "pthread_rwlock_trywrlock")
                           : REAL_RW(real_wrlock, "pthread_rwlock_wrlock"))
                    : (try ? REAL_RW(real_tryrdlock, "pthread_rwlock_tryrdlock")
                           : REAL_RW(real_rdlock, "pthread_rwlock_rdlock"));
    int rc = f(l);
    if (KNOT__LIKELY(!knot__tracing))
        return rc;
    rw_info *i = info_of(l);
    if (i)
        emit(write ? KNOT__EV_RW_WRLOCK : KNOT__EV_RW_RDLOCK, i, ra,
             rc ? 0 : atomic_load(write ? &i->last_unlock : &i->last_write_unlock), rc, rc == 0);
    return rc;
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

int pthread_rwlock_unlock(pthread_rwlock_t *l) {
    rw_fn f = REAL_RW(real_unlock, "pthread_rwlock_unlock");
    if (KNOT__LIKELY(!knot__tracing))
        return f(l);
    rw_info *i = info_of(l);
    if (i) {
        /* Whether this unlock ends a write hold: glibc's rwlock records the
         * writer's thread id while it is write-locked. */
#ifdef __GLIBC__
        bool writer =
            __atomic_load_n(&l->__data.__cur_writer, __ATOMIC_RELAXED) == knot__self()->tid;
#else
        bool writer = true; /* cannot tell: order readers after it too */
#endif
        uint64_t id = emit(KNOT__EV_RW_UNLOCK, i, __builtin_return_address(0), 0, 0, true);
        atomic_store(&i->last_unlock, id);
        if (writer)
            atomic_store(&i->last_write_unlock, id);
    }
    return f(l);
}
