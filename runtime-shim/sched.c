/* The M:N scheduler: tasks as coroutines on a few threads.
 *
 * Shaped like Go's runtime (proc.go), in its words:
 *
 * - A processor (P) is the right to run tasks. There are KNOT_PROCS of them
 *   (default: the CPUs this process may use). Each has a local run queue, a
 *   ring of RUNQ_SIZE tasks, and a `runnext` slot: a task readied by the
 *   running task runs next on the same processor, so a hand-off through a
 *   channel moves straight from sender to receiver with no other thread
 *   involved. A global queue takes what local queues cannot, and the ready
 *   tasks of threads that have no processor (timers, pthreads).
 * - A machine (M) is an OS thread. It owns at most one P and runs that P's
 *   tasks on its own stack-switching loop. An M with nothing to run steals
 *   half of another P's queue; finding nothing, it keeps looking a while at
 *   the global queue, at Ps nobody runs and at queues grown past BACKLOG (a
 *   spawning loop's), then gives its P back and sleeps on a futex until
 *   wakep() hands it one. At most one M at a time is woken to look for work
 *   while others are already looking (`spinning`).
 * - A task (G) is a knot__task with its own stack (stack.c) and saved
 *   context (context.c). Parking saves its context and switches to the next
 *   runnable task of the same P, or to the M's scheduling loop; readying
 *   puts it in a run queue. Neither makes a system call unless an M has to
 *   be woken.
 *
 * Parking and readying meet in the task's parker word (lock.c): a task
 * marks itself parked only after it has left its stack (finish() below, run
 * by whichever context comes next on the same M), so a waker that readies it
 * can never resume it while it is still running.
 *
 * Blocking outside knot. A task that blocks in a system call or a libc wait
 * keeps its thread. The interposers say so (knot__sched_block_enter/exit,
 * Go's entersyscall/exitsyscall): its P is marked, and the monitor thread
 * (Go's sysmon) takes it away within microseconds if work is waiting. For
 * calls knot does not see (read, poll, a long computation) the monitor takes
 * a P whose task has not come back to the scheduler for RETAKE_RUNNING_NS
 * while work waits. Either way the M goes on running its task without a P,
 * as a plain thread, until the task next parks; then the M looks for an idle
 * P or goes to sleep. So P ownership only bounds parallelism; run queues are
 * locked, and a task queued anywhere is found by some M.
 *
 * Wired tasks. glibc owns mutexes and rwlocks per thread, so a task holding
 * one (or inside knot_lock_thread) must not move: it parks the old way, on a
 * futex, keeping its thread, after handing its P to another M.
 *
 * Task 1, main, starts on the main thread's own stack. When the scheduler
 * starts on the main thread, main becomes a coroutine like the others and
 * the main thread an M whose loop runs on a stack of its own; main can then
 * move between threads like any task, unless wired. */
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RUNQ_SIZE         256
#define RETAKE_CALL_NS    (20u * 1000)        /* a P whose task blocks in libc */
#define RETAKE_RUNNING_NS (10u * 1000 * 1000) /* a P stuck in one task */
#define GLOBAL_EVERY      61                  /* schedules between looks at the global queue */
#define LOOK_ROUNDS       64                  /* looks at unowned work before an M sleeps */
#define BACKLOG           32                  /* a busy P's queue long enough to steal from */
#define M0_STACK          (256u << 10)

typedef struct knot__proc knot__proc;
typedef struct knot__machine knot__machine;

struct knot__proc {
    knot__lock lock; /* runq, runnext */
    uint32_t head, len;
    knot__task *runnext;
    _Atomic uint32_t queued; /* len + runnext, readable without the lock */
    _Atomic(knot__machine *) owner;
    _Atomic uint32_t in_call; /* its task blocks outside knot: retake soon */
    _Atomic uint64_t tick;    /* bumped at every switch and call */
    uint64_t seen_tick, seen_ns;
    knot__proc *idle_next;
    knot__task *runq[RUNQ_SIZE];
};

enum after { AFTER_NOTHING, AFTER_PARK, AFTER_EXIT };

struct knot__machine {
    knot__proc *p;
    void *sched_sp;      /* the scheduling loop's saved context */
    knot__task *running; /* the task on this M, if any */
    /* Left for finish() by the context that switched away. */
    enum after after;
    knot__task *after_task;
    _Atomic uint32_t wake; /* sleeping: 0 until handed a P */
    knot__proc *handed;
    knot__machine *idle_next;
    bool spinning;
    int tid;
    uint32_t schedtick;
    uint64_t rng;
#if KNOT__TSAN
    void *tsan_fiber;
#endif
#if KNOT__ASAN
    void *asan_fake_stack;
    const void *asan_bottom; /* the loop's stack */
    size_t asan_size;
#endif
};

static struct {
    knot__lock lock; /* the global queue, idle lists */
    knot__task *gq_head, *gq_tail;
    _Atomic uint32_t gq_len;
    knot__proc *idle_procs;
    _Atomic int npidle;
    knot__machine *idle_ms;
    _Atomic int nspinning;
    int nprocs;
    knot__proc *procs;
    _Atomic int state; /* 0 not started, 1 starting, 2 running */
    _Atomic uint32_t monitor_kick;
} S;

static KNOT__TLS knot__machine *this_m;

/* The M running the caller now. A task may resume on another thread than
 * it parked on, and the compiler may keep a thread-local's address across
 * the switch; this call, kept out of line, reads it afresh. */
static __attribute__((noinline)) knot__machine *current_m(void) {
    knot__machine *m = this_m;
    __asm__ volatile("" : "+r"(m));
    return m;
}

static __attribute__((noinline)) int *errno_slot(void) {
    int *e = &errno;
    __asm__ volatile("" : "+r"(e));
    return e;
}

const knot__task *knot__sched_running(void) {
    knot__machine *m = this_m;
    return m ? m->running : NULL;
}

static uint32_t m_rand(knot__machine *m) {
    uint64_t x = m->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    m->rng = x;
    return (uint32_t)(x >> 32);
}

static bool owns(knot__machine *m, knot__proc *p) {
    return p && atomic_load_explicit(&p->owner, memory_order_acquire) == m;
}

/* ---- run queues ----------------------------------------------------------------------------- */

static void gq_put_locked(knot__task *t) {
    t->sched_next = NULL;
    if (S.gq_tail)
        S.gq_tail->sched_next = t;
    else
        S.gq_head = t;
    S.gq_tail = t;
    atomic_fetch_add(&S.gq_len, 1);
}

static void gq_put(knot__task *t) {
    knot__lock_acquire(&S.lock);
    gq_put_locked(t);
    knot__lock_release(&S.lock);
}

static knot__task *gq_take_locked(void) {
    knot__task *t = S.gq_head;
    if (t) {
        S.gq_head = t->sched_next;
        if (!S.gq_head)
            S.gq_tail = NULL;
        atomic_fetch_sub_explicit(&S.gq_len, 1, memory_order_relaxed);
    }
    return t;
}

static void runq_push_locked(knot__proc *p, knot__task *t) {
    if (p->len < RUNQ_SIZE) {
        p->runq[(p->head + p->len) % RUNQ_SIZE] = t;
        p->len++;
        atomic_fetch_add(&p->queued, 1);
        return;
    }
    /* Full: half of it, and t, go to the global queue for others to take. */
    knot__lock_acquire(&S.lock);
    for (uint32_t i = 0; i < RUNQ_SIZE / 2; i++) {
        gq_put_locked(p->runq[p->head]);
        p->head = (p->head + 1) % RUNQ_SIZE;
        p->len--;
        atomic_fetch_sub_explicit(&p->queued, 1, memory_order_relaxed);
    }
    gq_put_locked(t);
    knot__lock_release(&S.lock);
}

/* Queue t on p; `next`: in runnext, to run before the rest. */
static void runq_put(knot__proc *p, knot__task *t, bool next) {
    knot__lock_acquire(&p->lock);
    if (next) {
        knot__task *old = p->runnext;
        p->runnext = t;
        if (old)
            runq_push_locked(p, old); /* counts the one more queued */
        else
            atomic_fetch_add(&p->queued, 1);
    } else {
        runq_push_locked(p, t);
    }
    knot__lock_release(&p->lock);
}

static knot__task *runq_get(knot__proc *p) {
    if (!atomic_load_explicit(&p->queued, memory_order_relaxed))
        return NULL;
    knot__task *t = NULL;
    knot__lock_acquire(&p->lock);
    if (p->runnext) {
        t = p->runnext;
        p->runnext = NULL;
    } else if (p->len) {
        t = p->runq[p->head];
        p->head = (p->head + 1) % RUNQ_SIZE;
        p->len--;
    }
    if (t)
        atomic_fetch_sub_explicit(&p->queued, 1, memory_order_relaxed);
    knot__lock_release(&p->lock);
    return t;
}

/* Take up to half of victim's queue into p; returns one to run. runnext is
 * left alone unless `take_next`: its task was readied to run right after
 * the victim's current one, which is usually about to park. */
static knot__task *runq_steal(knot__proc *p, knot__proc *victim, bool take_next) {
    if (p == victim || !atomic_load_explicit(&victim->queued, memory_order_relaxed))
        return NULL;
    knot__task *got[RUNQ_SIZE / 2];
    uint32_t n = 0;
    knot__lock_acquire(&victim->lock);
    uint32_t want = (victim->len + 1) / 2;
    while (n < want) {
        got[n++] = victim->runq[victim->head];
        victim->head = (victim->head + 1) % RUNQ_SIZE;
        victim->len--;
    }
    if (!n && take_next && victim->runnext) {
        got[n++] = victim->runnext;
        victim->runnext = NULL;
    }
    if (n)
        atomic_fetch_sub_explicit(&victim->queued, n, memory_order_relaxed);
    knot__lock_release(&victim->lock);
    if (!n)
        return NULL;
    if (n > 1) {
        knot__lock_acquire(&p->lock);
        for (uint32_t i = 1; i < n; i++)
            runq_push_locked(p, got[i]);
        knot__lock_release(&p->lock);
    }
    return got[0];
}

/* From the global queue: one to run, and a fair share into p's queue. */
static knot__task *gq_get(knot__proc *p) {
    if (!atomic_load_explicit(&S.gq_len, memory_order_relaxed))
        return NULL;
    knot__task *batch[32];
    uint32_t n = 0;
    knot__lock_acquire(&S.lock);
    uint32_t len = atomic_load_explicit(&S.gq_len, memory_order_relaxed);
    uint32_t want = len / (uint32_t)S.nprocs + 1;
    if (want > 32)
        want = 32;
    while (n < want && (batch[n] = gq_take_locked()))
        n++;
    knot__lock_release(&S.lock);
    if (n > 1) {
        knot__lock_acquire(&p->lock);
        for (uint32_t i = 1; i < n; i++)
            runq_push_locked(p, batch[i]);
        knot__lock_release(&p->lock);
    }
    return n ? batch[0] : NULL;
}

/* Sequentially consistent, like the counts' updates and npidle's: a task
 * queued while an M gives up its P is seen either by the queuer (an idle P
 * to wake) or by the M (work to stay for). */
static bool work_anywhere(void) {
    if (atomic_load(&S.gq_len))
        return true;
    for (int i = 0; i < S.nprocs; i++)
        if (atomic_load(&S.procs[i].queued))
            return true;
    return false;
}

/* ---- idle processors and machines (S.lock held) ------------------------------------------ */

static void monitor_kick(void);

static knot__proc *pidle_get(knot__machine *m) {
    knot__proc *p = S.idle_procs;
    if (p) {
        S.idle_procs = p->idle_next;
        atomic_fetch_sub(&S.npidle, 1);
        atomic_store_explicit(&p->owner, m, memory_order_release);
        atomic_store_explicit(&p->in_call, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(&p->tick, 1, memory_order_relaxed); /* a new owner: not stuck */
        monitor_kick();
    }
    return p;
}

static void pidle_put(knot__proc *p) {
    atomic_store_explicit(&p->owner, NULL, memory_order_release);
    p->idle_next = S.idle_procs;
    S.idle_procs = p;
    atomic_fetch_add(&S.npidle, 1);
}

static void m_start_thread(knot__proc *p, bool spinning);

/* Run p on an idle or new M. S.lock not held. */
static void startm(knot__proc *p, bool spinning) {
    knot__lock_acquire(&S.lock);
    if (!p && !(p = pidle_get(NULL))) {
        knot__lock_release(&S.lock);
        if (spinning)
            atomic_fetch_sub(&S.nspinning, 1);
        return;
    }
    knot__machine *m = S.idle_ms;
    if (m) {
        S.idle_ms = m->idle_next;
        atomic_store_explicit(&p->owner, m, memory_order_release);
        m->handed = p;
        m->spinning = spinning;
    }
    knot__lock_release(&S.lock);
    if (m) {
        atomic_store_explicit(&m->wake, 1, memory_order_release);
        knot__futex_wake(&m->wake, 1);
    } else {
        m_start_thread(p, spinning);
    }
    monitor_kick();
}

/* A task became runnable: make sure an M will look, if a P is idle and
 * nobody is looking already. */
static void wakep(void) {
    if (atomic_load(&S.npidle) == 0)
        return;
    int zero = 0;
    if (atomic_load_explicit(&S.nspinning, memory_order_relaxed) != 0 ||
        !atomic_compare_exchange_strong(&S.nspinning, &zero, 1))
        return;
    startm(NULL, true);
}

/* p's M stopped running tasks on it: another M takes it if work waits. */
static void handoff(knot__proc *p) {
    if (atomic_load_explicit(&p->queued, memory_order_relaxed) ||
        atomic_load_explicit(&S.gq_len, memory_order_relaxed)) {
        startm(p, false);
        return;
    }
    knot__lock_acquire(&S.lock);
    pidle_put(p);
    knot__lock_release(&S.lock);
    /* Work queued after the look above finds the P idle, and wakes it. */
    if (work_anywhere())
        wakep();
}

/* ---- switching ------------------------------------------------------------------------------ */

/* Tell the sanitizers the running context is about to become `to`'s (a
 * task, or with to NULL the M's loop); `fake` keeps the leaving context's
 * AddressSanitizer state, NULL when it never runs again. */
static void switch_annotate(knot__task *to, knot__machine *m, void **fake) {
#if KNOT__TSAN
    __tsan_switch_to_fiber(to ? to->tsan_fiber : m->tsan_fiber, 0);
#endif
#if KNOT__ASAN
    __sanitizer_start_switch_fiber(fake, to ? to->asan_bottom : m->asan_bottom,
                                   to ? to->asan_size : m->asan_size);
#else
    (void)to;
    (void)m;
    (void)fake;
#endif
}

/* A context runs again (fake: what switch_annotate kept for it), or for
 * the first time (fake NULL). */
static void switched_in(void *fake) {
#if KNOT__ASAN
    __sanitizer_finish_switch_fiber(fake, NULL, NULL);
#else
    (void)fake;
#endif
}

#if KNOT__ASAN
#define FAKE_STACK(x) (&(x)->asan_fake_stack)
#define FAKE_OF(x)    ((x)->asan_fake_stack)
#else
#define FAKE_STACK(x) NULL
#define FAKE_OF(x)    NULL
#endif

/* Complete what the context that switched to this one left to do, now that
 * nothing runs on its stack. Runs on every path into a context. */
static void finish(knot__machine *m) {
    enum after what = m->after;
    knot__task *t = m->after_task;
    m->after = AFTER_NOTHING;
    m->after_task = NULL;
    if (what == AFTER_PARK) {
        uint32_t expect = 0;
        if (!atomic_compare_exchange_strong_explicit(&t->parker.state, &expect, KNOT__PARKED_TASK,
                                                     memory_order_acq_rel, memory_order_acquire)) {
            /* Woken before it was down: it runs again, next. */
            if (owns(m, m->p))
                runq_put(m->p, t, true);
            else
                gq_put(t);
            wakep();
        }
    } else if (what == AFTER_EXIT) {
#if KNOT__TSAN
        __tsan_destroy_fiber(t->tsan_fiber);
#endif
        if (t->stack) { /* main's is the process's own stack: left as it is */
            if (!knot__stack_intact(t->stack))
                knot__stack_overflow(t);
            knot__stack_put(t->stack);
        }
        knot__task_free(t);
    }
}

static void enter(knot__machine *m, knot__proc *p, knot__task *t) {
    m->running = t;
    knot__current = t;
    t->tid = m->tid;
    if (p)
        atomic_fetch_add_explicit(&p->tick, 1, memory_order_relaxed);
}

static void task_main(void);

/* Save the running context in *save and run t: resumed where it parked, or
 * started on its untouched stack. Always inlined: a call of its own would
 * be a frame that ThreadSanitizer's instrumentation enters on one fiber's
 * shadow stack and leaves on another's. */
static inline __attribute__((always_inline)) void switch_to(void **save, knot__task *t) {
    if (t->ctx_sp)
        knot__ctx_switch(save, t->ctx_sp);
    else
        knot__ctx_start(save, knot__stack_top(t->stack), task_main);
}

/* Leave t (the running task) for the next task of this P, or for the
 * loop, which then completes `what` for it. */
static void switch_out(knot__task *t, enum after what) {
    knot__machine *m = current_m();
    m->after = what;
    m->after_task = t;
    /* Overflowed: its canary is gone, or it is below its stack right now
     * (frames that skipped the canary's word). */
    if (t->stack && (!knot__stack_intact(t->stack) || (char *)&what < t->stack->lo))
        knot__stack_overflow(t);
    int *e = errno_slot();
    t->saved_errno = *e;
    knot__proc *p = owns(m, m->p) ? m->p : NULL;
    knot__task *next = p ? runq_get(p) : NULL;
    void **fake = NULL; /* an ended task never runs again */
    if (what != AFTER_EXIT)
        fake = FAKE_STACK(t);
    if (next) {
        enter(m, p, next);
        switch_annotate(next, m, fake);
        switch_to(&t->ctx_sp, next);
    } else {
        m->running = NULL;
        knot__current = NULL;
        switch_annotate(NULL, m, fake);
        knot__ctx_switch(&t->ctx_sp, m->sched_sp);
    }
}

/* t runs again, on whichever M resumed it. */
static void resumed(knot__task *t) {
    switched_in(FAKE_OF(t));
    knot__machine *m = current_m();
    finish(m);
    *errno_slot() = t->saved_errno;
}

void knot__sched_park(knot__task *t) {
    switch_out(t, AFTER_PARK);
    resumed(t);
}

void knot__sched_exit(knot__task *t) {
    switch_out(t, AFTER_EXIT);
    abort(); /* an ended task is never resumed */
}

bool knot__sched_local_work(void) {
    knot__machine *m = current_m();
    return m && m->p && atomic_load_explicit(&m->p->queued, memory_order_relaxed);
}

void knot__sched_ready(knot__task *t) {
    knot__machine *m = this_m;
    if (m && owns(m, m->p)) {
        runq_put(m->p, t, true);
        /* Its task makes knot calls: not stuck outside knot. */
        atomic_fetch_add_explicit(&m->p->tick, 1, memory_order_relaxed);
    } else
        gq_put(t);
    wakep();
}

/* ---- the loop of an M -------------------------------------------------------------------- */

static void m_sleep(knot__machine *m) {
    while (!atomic_load_explicit(&m->wake, memory_order_acquire))
        knot__futex_wait(&m->wake, 0);
    atomic_store_explicit(&m->wake, 0, memory_order_relaxed);
    m->p = m->handed;
    m->handed = NULL;
}

/* No P: take an idle one, or sleep until handed one. */
static void acquire_p(knot__machine *m) {
    knot__lock_acquire(&S.lock);
    knot__proc *p = pidle_get(m);
    if (p) {
        knot__lock_release(&S.lock);
        m->p = p;
        return;
    }
    m->idle_next = S.idle_ms;
    S.idle_ms = m;
    knot__lock_release(&S.lock);
    m_sleep(m);
}

static void stop_spinning(knot__machine *m) {
    if (!m->spinning)
        return;
    m->spinning = false;
    /* The last M looking found work; there may be more for another. */
    if (atomic_fetch_sub(&S.nspinning, 1) == 1)
        wakep();
}

static knot__task *steal(knot__machine *m, knot__proc *p) {
    for (int round = 0; round < 4; round++) {
        int start = (int)(m_rand(m) % (uint32_t)S.nprocs);
        for (int i = 0; i < S.nprocs; i++) {
            knot__proc *v = &S.procs[(start + i) % S.nprocs];
            knot__task *t = runq_steal(p, v, round == 3);
            if (t)
                return t;
        }
    }
    return NULL;
}

/* From a P no M runs (taken from a task stuck outside knot, or idle), or
 * from a busy one whose queue has grown past BACKLOG: a spawning loop's
 * tasks, not the one or two that take turns with its running task. */
static knot__task *steal_idle(knot__proc *p) {
    for (int i = 0; i < S.nprocs; i++) {
        knot__proc *v = &S.procs[i];
        bool unowned = !atomic_load_explicit(&v->owner, memory_order_acquire);
        if (unowned || atomic_load_explicit(&v->queued, memory_order_relaxed) >= BACKLOG) {
            knot__task *t = runq_steal(p, v, unowned);
            if (t)
                return t;
        }
    }
    return NULL;
}

static knot__task *find_runnable(knot__machine *m) {
    for (;;) {
        if (!owns(m, m->p)) {
            /* Its P was taken (the monitor saw it stuck): no longer looking. */
            m->p = NULL;
            if (m->spinning) {
                m->spinning = false;
                atomic_fetch_sub(&S.nspinning, 1);
            }
            acquire_p(m);
            continue;
        }
        knot__proc *p = m->p;
        knot__task *t = NULL;
        if (++m->schedtick % GLOBAL_EVERY == 0)
            t = gq_get(p);
        if (t || (t = runq_get(p)) || (t = gq_get(p))) {
            stop_spinning(m);
            return t;
        }
        /* Look elsewhere, unless half the busy Ps already have an M looking. */
        int busy = S.nprocs - atomic_load(&S.npidle);
        if (m->spinning || 2 * atomic_load(&S.nspinning) < busy) {
            if (!m->spinning) {
                m->spinning = true;
                atomic_fetch_add(&S.nspinning, 1);
            }
            /* One pass of four rounds over the other Ps, as Go's spinning M
             * makes. Stealing again and again kept a second core taking
             * tasks from the first one's queue: tasks that take turns on one
             * channel then ran on two cores, and every turn moved the
             * channel's cache lines between them (select4 took 3.7 times as
             * long with 64 stealing passes as with one). */
            t = steal(m, p);
            /* Then stay looking a while (wakep() wakes nobody while an M
             * looks, which keeps hand-offs free of futex calls), but only
             * at work no busy P will run soon: the global queue, the
             * queues of Ps nobody runs, and backlogs. */
            for (int i = 0; i < LOOK_ROUNDS && !t; i++) {
                if (!(t = gq_get(p)) && !(t = steal_idle(p)))
                    sched_yield();
            }
            if (t) {
                stop_spinning(m);
                return t;
            }
        }
        /* Nothing: give the P back and sleep, looking once more after it is
         * back, since a task readied meanwhile may have seen no idle P. */
        knot__lock_acquire(&S.lock);
        if ((t = gq_take_locked())) {
            knot__lock_release(&S.lock);
            stop_spinning(m);
            return t;
        }
        m->p = NULL;
        pidle_put(p);
        knot__lock_release(&S.lock);
        if (m->spinning) {
            m->spinning = false;
            atomic_fetch_sub(&S.nspinning, 1);
        }
        if (work_anywhere()) {
            knot__lock_acquire(&S.lock);
            m->p = pidle_get(m);
            knot__lock_release(&S.lock);
            if (m->p)
                continue;
        }
        knot__lock_acquire(&S.lock);
        m->idle_next = S.idle_ms;
        S.idle_ms = m;
        knot__lock_release(&S.lock);
        m_sleep(m);
    }
}

static __attribute__((noreturn)) void sched_loop(void) {
    knot__machine *m = this_m;
    finish(m);
    for (;;) {
        knot__task *t = find_runnable(m);
        enter(m, m->p, t);
        switch_annotate(t, m, FAKE_STACK(m));
        switch_to(&m->sched_sp, t);
        switched_in(FAKE_OF(m));
        finish(m);
    }
}

/* The main thread's loop, on a stack of its own: entered by a switch. */
static __attribute__((noreturn)) void sched_loop_entered(void) {
    switched_in(NULL);
    sched_loop();
}

static knot__machine *m_new(void) {
    knot__machine *m = calloc(1, sizeof *m);
    if (!m) {
        static const char msg[] = "fatal error: knot: out of memory starting a scheduler thread\n";
        (void)!write(2, msg, sizeof msg - 1);
        abort();
    }
    m->rng = (uint64_t)(uintptr_t)m * 0x9E3779B97F4A7C15ull | 1;
    return m;
}

static void m_adopt(knot__machine *m) {
    this_m = m;
    m->tid = (int)syscall(SYS_gettid);
    knot__stack_signal_stack();
}

#if KNOT__ASAN
static void thread_stack(const void **bottom, size_t *size) {
    pthread_attr_t a;
    void *lo = NULL;
    size_t n = 0;
    if (pthread_getattr_np(pthread_self(), &a) == 0) {
        (void)pthread_attr_getstack(&a, &lo, &n);
        pthread_attr_destroy(&a);
    }
    *bottom = lo;
    *size = n;
}
#endif

static void *m_thread_main(void *arg) {
    knot__machine *m = arg;
    m_adopt(m);
#if KNOT__ASAN
    thread_stack(&m->asan_bottom, &m->asan_size);
#endif
#if KNOT__TSAN
    m->tsan_fiber = __tsan_get_current_fiber();
#endif
    /* The loop runs on this thread's own stack; its first "switch" is a call. */
    sched_loop();
}

static void m_start_thread(knot__proc *p, bool spinning) {
    knot__machine *m = m_new();
    m->p = p;
    atomic_store_explicit(&p->owner, m, memory_order_release);
    m->spinning = spinning;
    if (!knot__start_internal_thread_arg(m_thread_main, m)) {
        static const char msg[] = "fatal error: knot: cannot start a scheduler thread\n";
        (void)!write(2, msg, sizeof msg - 1);
        abort();
    }
}

/* ---- a coroutine's first and last moments -------------------------------------------------- */

static void task_main(void) {
    switched_in(NULL);
    knot__task *t = knot__current;
    finish(current_m());
    knot__stack_arm(t->stack);
    knot__task_run(t); /* the task's function, between its start and end events */
    knot__sched_exit(t);
}

int knot__sched_spawn(knot__task *t, size_t stack_size) {
    if (!knot__sched_start())
        return EAGAIN;
    knot__stack *s = knot__stack_get(stack_size);
    if (!s)
        return EAGAIN;
    t->stack = s;
    t->coroutine = true;
    t->ctx_sp = NULL; /* started by its first switch_to */
#if KNOT__ASAN
    t->asan_bottom = s->lo;
    t->asan_size = s->size;
#endif
#if KNOT__TSAN
    t->tsan_fiber = __tsan_create_fiber(0);
#endif
    knot__coroutines(1);
    knot__sched_ready(t);
    return 0;
}

/* ---- blocking outside knot --------------------------------------------------------------- */

void knot__sched_block_enter(void) {
    knot__machine *m = this_m;
    if (!m || !m->p)
        return;
    if (!owns(m, m->p)) {
        m->p = NULL;
        return;
    }
    atomic_store_explicit(&m->p->in_call, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->p->tick, 1, memory_order_relaxed);
    monitor_kick();
}

void knot__sched_block_exit(void) {
    knot__machine *m = this_m;
    if (!m)
        return;
    if (m->p && owns(m, m->p)) {
        atomic_store_explicit(&m->p->in_call, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(&m->p->tick, 1, memory_order_relaxed);
        return;
    }
    /* The P went elsewhere meanwhile: take an idle one if there is one,
     * or run on as a plain thread until the task next parks. */
    m->p = NULL;
    if (atomic_load(&S.npidle) > 0) {
        knot__lock_acquire(&S.lock);
        m->p = pidle_get(m);
        knot__lock_release(&S.lock);
    }
}

void knot__sched_release_p(void) {
    knot__machine *m = this_m;
    if (!m || !m->p)
        return;
    knot__proc *p = m->p;
    m->p = NULL;
    knot__machine *expect = m;
    if (atomic_compare_exchange_strong(&p->owner, &expect, NULL))
        handoff(p);
}

/* ---- the monitor ----------------------------------------------------------------------------- */

static void monitor_kick(void) {
    if (atomic_load_explicit(&S.monitor_kick, memory_order_relaxed) == 0)
        return; /* awake already */
    atomic_store(&S.monitor_kick, 0);
    knot__futex_wake(&S.monitor_kick, 1);
}

static void *monitor_main(void *arg) {
    (void)arg;
    uint64_t delay_ns = 20000;
    int quiet = 0;
    for (;;) {
        struct timespec ts = {0, (long)delay_ns};
        nanosleep(&ts, NULL);
        if (atomic_load(&S.npidle) == S.nprocs && !atomic_load(&S.gq_len)) {
            /* Nothing runs: sleep until an M takes a P, with no more stack
             * memory kept than a burst of tasks would want at once. */
            knot__stacks_trim(knot_now_ns(), true);
            atomic_store(&S.monitor_kick, 1);
            if (atomic_load(&S.npidle) == S.nprocs)
                knot__futex_wait(&S.monitor_kick, 1);
            atomic_store(&S.monitor_kick, 0);
            /* Time asleep is no time stuck. */
            uint64_t woke = knot_now_ns();
            for (int i = 0; i < S.nprocs; i++)
                S.procs[i].seen_ns = woke;
            delay_ns = 20000;
            quiet = 0;
            continue;
        }
        uint64_t now = knot_now_ns();
        knot__stacks_trim(now, false);
        bool took = false;
        for (int i = 0; i < S.nprocs; i++) {
            knot__proc *p = &S.procs[i];
            knot__machine *m = atomic_load(&p->owner);
            uint64_t tick = atomic_load_explicit(&p->tick, memory_order_relaxed);
            if (!m || tick != p->seen_tick) {
                p->seen_tick = tick;
                p->seen_ns = now;
                continue;
            }
            bool in_call = atomic_load_explicit(&p->in_call, memory_order_relaxed);
            uint64_t stuck = now - p->seen_ns;
            if (stuck < (in_call ? RETAKE_CALL_NS : RETAKE_RUNNING_NS))
                continue;
            if (!atomic_load_explicit(&p->queued, memory_order_relaxed) &&
                !atomic_load_explicit(&S.gq_len, memory_order_relaxed))
                continue;
            if (atomic_compare_exchange_strong(&p->owner, &m, NULL)) {
                atomic_store(&p->in_call, 0);
                handoff(p);
                took = true;
            }
        }
        /* Sleep 20 µs while busy, doubling after a millisecond of quiet. */
        if (took) {
            quiet = 0;
            delay_ns = 20000;
        } else if (++quiet > 50 && delay_ns < UINT64_C(10000000)) {
            delay_ns *= 2;
        }
    }
    return NULL;
}

/* ---- starting ------------------------------------------------------------------------------- */

static int procs_wanted(void) {
    const char *v = getenv("KNOT_PROCS");
    if (v && *v) {
        long n = strtol(v, NULL, 10);
        if (n > 0)
            return n > 1024 ? 1024 : (int)n;
    }
    cpu_set_t set;
    int n = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    return n > 0 ? n : 1;
}

/* The main thread becomes an M, and main (task 1) a coroutine on it. */
static void adopt_main(knot__task *t1) {
    knot__machine *m = m_new();
    void *stack = mmap(NULL, M0_STACK, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stack == MAP_FAILED)
        return; /* main stays a thread task; the other tasks still run */
    m_adopt(m);
    m->sched_sp = knot__ctx_make((char *)stack + M0_STACK, sched_loop_entered);
#if KNOT__ASAN
    m->asan_bottom = stack;
    m->asan_size = M0_STACK;
    thread_stack(&t1->asan_bottom, &t1->asan_size); /* main runs on the main thread's */
#endif
#if KNOT__TSAN
    m->tsan_fiber = __tsan_create_fiber(0);
    t1->tsan_fiber = __tsan_get_current_fiber();
#endif
    knot__lock_acquire(&S.lock);
    m->p = pidle_get(m);
    knot__lock_release(&S.lock);
    m->running = t1;
    t1->tid = m->tid;
    t1->coroutine = true;
    knot__coroutines(1);
    knot__internal_threads(1); /* the main thread now serves the scheduler */
}

bool knot__sched_start(void) {
    int st = atomic_load_explicit(&S.state, memory_order_acquire);
    if (KNOT__LIKELY(st == 2))
        return true;
    int zero = 0;
    if (!atomic_compare_exchange_strong(&S.state, &zero, 1)) {
        while (atomic_load_explicit(&S.state, memory_order_acquire) != 2)
            sched_yield();
        return true;
    }
    int n = procs_wanted();
    S.procs = calloc((size_t)n, sizeof *S.procs);
    if (!S.procs) {
        atomic_store(&S.state, 0);
        return false;
    }
    S.nprocs = n;
    for (int i = n - 1; i >= 0; i--)
        pidle_put(&S.procs[i]);
    knot__stack_catch_overflow();
    knot__task *self = knot__self();
    if (self->id == 1 && getpid() == (pid_t)syscall(SYS_gettid))
        adopt_main(self);
    atomic_store_explicit(&S.state, 2, memory_order_release);
    if (!knot__start_internal_thread_arg(monitor_main, NULL)) {
        static const char msg[] = "fatal error: knot: cannot start the scheduler's monitor\n";
        (void)!write(2, msg, sizeof msg - 1);
        abort();
    }
    return true;
}

/* ---- fork -------------------------------------------------------------------------------------
 */

void knot__sched_fork(enum knot__fork_phase phase) {
    if (atomic_load(&S.state) != 2)
        return;
    if (phase == KNOT__FORK_PREPARE) {
        knot__lock_acquire(&S.lock);
        for (int i = 0; i < S.nprocs; i++)
            knot__lock_acquire(&S.procs[i].lock);
        return;
    }
    if (phase == KNOT__FORK_PARENT) {
        for (int i = 0; i < S.nprocs; i++)
            knot__lock_release(&S.procs[i].lock);
        knot__lock_release(&S.lock);
        return;
    }
    /* The child: one thread, the forking one. Its P (if it is an M) stays
     * its own; the other tasks do not exist here, so every queue empties
     * and every other P is idle, with no M: new ones start on demand. */
    knot__machine *m = this_m;
    S.gq_head = S.gq_tail = NULL;
    atomic_store(&S.gq_len, 0);
    S.idle_procs = NULL;
    S.idle_ms = NULL;
    atomic_store(&S.npidle, 0);
    atomic_store(&S.nspinning, 0);
    for (int i = 0; i < S.nprocs; i++) {
        knot__proc *p = &S.procs[i];
        atomic_store(&p->lock.state, 0);
        p->head = p->len = 0;
        p->runnext = NULL;
        atomic_store(&p->queued, 0);
        atomic_store(&p->in_call, 0);
        if (m && m->p == p)
            atomic_store(&p->owner, m);
        else
            pidle_put(p);
    }
    atomic_store(&S.lock.state, 0);
    if (m) {
        m->spinning = false;
        knot__coroutines(1);
        knot__internal_threads(1);
    }
    if (!knot__start_internal_thread_arg(monitor_main, NULL))
        abort();
}
