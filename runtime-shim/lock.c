/* Futex-based lock and parker.
 *
 * Why not pthread_mutex/cond: the recorder interposes those, and the runtime
 * must never recurse into its own interposition; futexes also let a waker
 * skip the system call entirely while the sleeper is still spinning.
 *
 * Spinning: on a multi-core machine the partner of a channel operation is
 * usually running on another core and answers within a microsecond or two,
 * far less than a futex sleep/wake round trip. So both the lock and the
 * parker spin briefly before sleeping. On one core spinning only delays the
 * partner, so it is disabled there. */
#include "internal.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static int spin_limit(void) {
    static _Atomic int limit = -1;
    int v = atomic_load_explicit(&limit, memory_order_relaxed);
    if (v < 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        v = n > 1 ? 4000 : 0;
        atomic_store_explicit(&limit, v, memory_order_relaxed);
    }
    return v;
}

void knot__futex_wait(_Atomic uint32_t *word, uint32_t expect) {
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, expect, NULL, NULL, 0);
}

int knot__futex_wait_until(_Atomic uint32_t *word, uint32_t expect, uint64_t deadline_ns) {
    struct timespec ts = {.tv_sec = (time_t)(deadline_ns / 1000000000u),
                          .tv_nsec = (long)(deadline_ns % 1000000000u)};
    /* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, so spurious
     * wake-ups never stretch the total wait. */
    long r = syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_BITSET_PRIVATE, expect, &ts, NULL,
                     FUTEX_BITSET_MATCH_ANY);
    return r == 0 ? 0 : errno;
}

void knot__futex_wake(_Atomic uint32_t *word, int n) {
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

/* Drepper's "Futexes are tricky" mutex 3, with a bounded spin first. */
void knot__lock_slow(knot__lock *l) {
    int limit = spin_limit() / 8;
    for (int i = 0; i < limit; i++) {
        cpu_relax();
        uint32_t expect = 0;
        if (atomic_load_explicit(&l->state, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_weak_explicit(&l->state, &expect, 1, memory_order_acquire,
                                                  memory_order_relaxed))
            return;
    }
    while (atomic_exchange_explicit(&l->state, 2, memory_order_acquire) != 0)
        knot__futex_wait(&l->state, 2);
}

void knot__unlock_slow(knot__lock *l) { knot__futex_wake(&l->state, 1); }

void knot__park(knot__parker *p) { (void)knot__park_until(p, 0); }

bool knot__park_until(knot__parker *p, uint64_t deadline_ns) {
    int limit = spin_limit();
    for (int i = 0; i < limit; i++) {
        if (atomic_load_explicit(&p->state, memory_order_acquire) == 1)
            goto notified;
        cpu_relax();
    }
    uint32_t expect = 0;
    if (atomic_compare_exchange_strong_explicit(&p->state, &expect, 2, memory_order_acquire,
                                                memory_order_acquire)) {
        for (;;) {
            if (deadline_ns) {
                if (knot__futex_wait_until(&p->state, 2, deadline_ns) == ETIMEDOUT) {
                    expect = 2;
                    if (atomic_compare_exchange_strong_explicit(
                            &p->state, &expect, 0, memory_order_acquire, memory_order_acquire))
                        return false;
                }
            } else {
                knot__futex_wait(&p->state, 2);
            }
            if (atomic_load_explicit(&p->state, memory_order_acquire) == 1)
                break;
        }
    }
notified:
    atomic_store_explicit(&p->state, 0, memory_order_relaxed);
    return true;
}

void knot__unpark(knot__parker *p) {
    /* Touch nothing of the waiter after this exchange: it may return at once. */
    if (atomic_exchange_explicit(&p->state, 1, memory_order_release) == 2)
        knot__futex_wake(&p->state, 1);
}
