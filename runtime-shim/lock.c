/* Futex-based lock and parker.
 *
 * Why not pthread_mutex/cond: the recorder interposes those, and the runtime
 * must never recurse into its own interposition; futexes also let a waker
 * skip the system call entirely while the sleeper is still spinning.
 *
 * Waiting, in three steps, cheapest first:
 * 1. Spin (PAUSE) briefly: the partner is usually running on another core
 *    and answers within a microsecond or two, far less than a futex sleep and
 *    wake-up. Skipped on one CPU, and whenever every CPU already has a
 *    running task, since then the spinner only delays its partner.
 * 2. Yield a bounded number of times: a runnable partner on this core gets
 *    the CPU at once, and under a hypervisor this avoids both the slow wake
 *    from a futex sleep and the penalty for long PAUSE loops.
 * 3. Sleep on the futex. */
#include "internal.h"

#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
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

static int env_int(const char *name, int def) {
    const char *v = getenv(name);
    return v && *v ? (int)strtol(v, NULL, 10) : def;
}

static _Atomic int park_spin = -1, lock_spin = -1, park_yield = -1, ncpu = 1;

static void init_spin(void) {
    /* The CPUs this process may run on (taskset, cgroups), not the machine's. */
    cpu_set_t set;
    int n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    atomic_store(&ncpu, n > 0 ? n : 1);
    atomic_store(&lock_spin, env_int("KNOT_LOCK_SPIN", n > 1 ? 100 : 0));
    /* Yielding before the futex sleep: a futex wake-up costs several
     * microseconds under virtualisation, and a yield hands the CPU straight
     * to a runnable partner on the same core; measured with bench/. */
    atomic_store(&park_yield, env_int("KNOT_YIELD", 64));
    atomic_store(&park_spin, env_int("KNOT_SPIN", n > 1 ? 200 : 0));
}

static int spin_limit(void) {
    int v = atomic_load_explicit(&park_spin, memory_order_relaxed);
    if (v < 0) {
        init_spin();
        v = atomic_load_explicit(&park_spin, memory_order_relaxed);
    }
    return v;
}

/* The futex calls leave errno as they found it: they run inside the
 * program's own calls (a channel's lock taken on its slow path would
 * otherwise leave EAGAIN behind in a task that checks errno). */
void knot__futex_wait(_Atomic uint32_t *word, uint32_t expect) {
    int saved = errno;
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, expect, NULL, NULL, 0);
    errno = saved;
}

int knot__futex_wait_until(_Atomic uint32_t *word, uint32_t expect, uint64_t deadline_ns) {
    struct timespec ts = {.tv_sec = (time_t)(deadline_ns / 1000000000u),
                          .tv_nsec = (long)(deadline_ns % 1000000000u)};
    /* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, so spurious
     * wake-ups never stretch the total wait. */
    int saved = errno;
    long r = syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_BITSET_PRIVATE, expect, &ts, NULL,
                     FUTEX_BITSET_MATCH_ANY);
    int err = r == 0 ? 0 : errno;
    errno = saved;
    return err;
}

void knot__futex_wake(_Atomic uint32_t *word, int n) {
    int saved = errno;
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
    errno = saved;
}

/* Drepper's "Futexes are tricky" mutex 3, with a bounded spin first.
 *
 * No spin when the caller's processor has other tasks queued, as Go's canSpin
 * decides: they would wait behind the spinner, and the spin itself slows the
 * holder, each probe reading the cache line the holder is writing. In a
 * fan-in (bench/run-chan.sh's fanin: 8 producers, one consumer, tasks on
 * both processors) the consumer's receives then missed their cache, and the
 * run took 2.5 to 3.5 times as long as without those spins. */
void knot__lock_slow(knot__lock *l) {
    (void)spin_limit();
    int limit =
        knot__sched_local_work() ? 0 : atomic_load_explicit(&lock_spin, memory_order_relaxed);
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

bool knot__lock_fork(knot__lock *l, enum knot__fork_phase phase) {
    switch (phase) {
    case KNOT__FORK_PREPARE:
        knot__lock_acquire(l);
        return false;
    case KNOT__FORK_PARENT:
        knot__lock_release(l);
        return false;
    case KNOT__FORK_CHILD:
        /* Held by the forking thread, the only one left: start it free. */
        atomic_store(&l->state, 0);
        return true;
    }
    return false;
}

/* A thread's wait: spin, yield, then sleep on the futex. */
static void thread_park(knot__parker *p) {
    int limit = spin_limit();
    /* Spin only while a core is idle: with every core busy with running
     * tasks, spinning takes the CPU from the very task that would wake us. */
    if (knot__running_tasks() >= (unsigned)atomic_load_explicit(&ncpu, memory_order_relaxed))
        limit = 0;
    for (int i = 0; i < limit; i++) {
        if (atomic_load_explicit(&p->state, memory_order_acquire) == 1)
            goto notified;
        cpu_relax();
    }
    int yields = atomic_load_explicit(&park_yield, memory_order_relaxed);
    for (int i = 0; i < yields; i++) {
        sched_yield();
        if (atomic_load_explicit(&p->state, memory_order_acquire) == 1)
            goto notified;
    }
    uint32_t expect = 0;
    if (atomic_compare_exchange_strong_explicit(&p->state, &expect, 2, memory_order_acquire,
                                                memory_order_acquire)) {
        do /* a futex wait may return early: only the notification counts */
            knot__futex_wait(&p->state, 2);
        while (atomic_load_explicit(&p->state, memory_order_acquire) != 1);
    }
notified:
    atomic_store_explicit(&p->state, 0, memory_order_relaxed);
}

static knot__task *owner_of(knot__parker *p) {
    return (knot__task *)(void *)((char *)p - offsetof(knot__task, parker));
}

void knot__park(knot__parker *p) {
    knot__task *t = owner_of(p);
    if (!t->coroutine) {
        thread_park(p);
        return;
    }
    if (!t->wired) {
        knot__sched_park(t); /* returns once notified, on whichever thread resumed it */
        atomic_store_explicit(&p->state, 0, memory_order_relaxed);
        return;
    }
    /* Wired to its thread: the thread waits with it, its processor moves on. */
    knot__sched_release_p();
    thread_park(p);
    knot__sched_block_exit();
}

void knot__unpark(knot__parker *p) {
    /* Touch nothing of a thread waiter after this exchange: it may return at
     * once. A parked coroutine cannot: it runs again only once readied. */
    uint32_t was = atomic_exchange_explicit(&p->state, 1, memory_order_acq_rel);
    if (was == 2)
        knot__futex_wake(&p->state, 1);
    else if (was == KNOT__PARKED_TASK)
        knot__sched_ready(owner_of(p));
}
