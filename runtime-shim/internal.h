/* Internal interfaces of libknot. Nothing here is part of the public API. */
#ifndef KNOT_INTERNAL_H
#define KNOT_INTERNAL_H

#define KNOT_NO_SITE_MACROS
#define KNOT_NO_ERRNO_MACRO /* the runtime reads errno afresh where it matters */
#include <knot/knot.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define KNOT__HIDDEN      __attribute__((visibility("hidden")))
#define KNOT__NORETURN    __attribute__((noreturn))
#define KNOT__LIKELY(x)   __builtin_expect(!!(x), 1)
#define KNOT__UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Thread-locals of the hot paths: a fixed offset from the thread pointer,
 * not a __tls_get_addr call per access. The runtime is linked in or
 * preloaded, so it is there when the program starts. */
#define KNOT__TLS _Thread_local __attribute__((tls_model("initial-exec")))

/* ---- lock.c: futex lock and parker --------------------------------------
 * The runtime uses its own futex-based primitives rather than pthreads so
 * that interposing the pthread API (for recording) never recurses into it. */

typedef struct knot__lock {
    _Atomic uint32_t state; /* 0 free, 1 locked, 2 locked with waiters */
} knot__lock;

KNOT__HIDDEN void knot__lock_slow(knot__lock *l);
KNOT__HIDDEN void knot__unlock_slow(knot__lock *l);

static inline void knot__lock_acquire(knot__lock *l) {
    uint32_t expect = 0;
    if (!atomic_compare_exchange_strong_explicit(&l->state, &expect, 1, memory_order_acquire,
                                                 memory_order_relaxed))
        knot__lock_slow(l);
}

static inline void knot__lock_release(knot__lock *l) {
    if (atomic_exchange_explicit(&l->state, 0, memory_order_release) == 2)
        knot__unlock_slow(l);
}

/* A one-shot wake-up slot owned by one task: park() returns after unpark(). */
typedef struct knot__parker {
    _Atomic uint32_t state; /* 0 empty, 1 notified, 2 sleeping (a thread), 3 parked (a coroutine) */
} knot__parker;
#define KNOT__PARKED_TASK 3u

KNOT__HIDDEN void knot__park(knot__parker *p);
KNOT__HIDDEN void knot__unpark(knot__parker *p);

KNOT__HIDDEN void knot__futex_wait(_Atomic uint32_t *word, uint32_t expect);
KNOT__HIDDEN int knot__futex_wait_until(_Atomic uint32_t *word, uint32_t expect,
                                        uint64_t deadline_ns);
KNOT__HIDDEN void knot__futex_wake(_Atomic uint32_t *word, int n);

/* ---- stack.c: task stacks ---------------------------------------------------- */

/* A task's stack. The descriptor lives apart from the stack's memory, so
 * handing a stack to a new task touches none of its pages: the first touch
 * happens where the task first runs. */
typedef struct knot__stack {
    char *lo;    /* lowest usable byte */
    size_t size; /* usable bytes: lo + size is the top, 16-byte aligned */
    char *guard; /* the mapping, starting with its guard page; NULL: packed in a slab */
    size_t map_size;
    uint64_t *canary;         /* packed: the word an overflow would reach first; NULL: guarded */
    struct knot__stack *next; /* in the reuse lists */
} knot__stack;

static inline char *knot__stack_top(const knot__stack *s) { return s->lo + s->size; }

struct knot__task;
/* A stack of size bytes (0: the default, KNOT_STACK); NULL without memory. */
KNOT__HIDDEN knot__stack *knot__stack_get(size_t size);
KNOT__HIDDEN void knot__stack_put(knot__stack *s);
/* Write s's canary: by its task's first moment on it, not by the spawner,
 * whose touching the neighbour's page would cost it a page fault. */
KNOT__HIDDEN void knot__stack_arm(knot__stack *s);
/* Whether s's canary is still there (true for a guarded stack). */
KNOT__HIDDEN bool knot__stack_intact(const knot__stack *s);
/* Give idle stacks' memory back to the system: the monitor thread's chore,
 * so no task pays a system call when it ends. `all`: keep none resident. */
KNOT__HIDDEN void knot__stacks_trim(uint64_t now_ns, bool all);
KNOT__HIDDEN KNOT__NORETURN void knot__stack_overflow(const struct knot__task *t);
/* Report overflows into guard pages (process-wide), on an alternate signal
 * stack (per thread: each scheduler thread calls it). */
KNOT__HIDDEN void knot__stack_catch_overflow(void);
KNOT__HIDDEN void knot__stack_signal_stack(void);

/* ---- context.c: the user-space switch -------------------------------------------- */

/* Save the current context, storing its stack pointer in *save, and resume
 * the one whose stack pointer is to. */
KNOT__HIDDEN void knot__ctx_switch(void **save, void *to);
/* A context that, switched to, calls fn (which never returns) on the stack
 * below top. Returns its stack pointer. */
KNOT__HIDDEN void *knot__ctx_make(void *top, void (*fn)(void));
/* Save the current context as knot__ctx_switch does, and call fn (which
 * never returns) on a fresh stack below top, writing nothing there before:
 * a new task's first page is touched by the thread that runs it. */
KNOT__HIDDEN void knot__ctx_start(void **save, void *top, void (*fn)(void));

/* ThreadSanitizer must be told of every switch between stacks. */
#if defined(__SANITIZE_THREAD__)
#define KNOT__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KNOT__TSAN 1
#endif
#endif
#ifndef KNOT__TSAN
#define KNOT__TSAN 0
#endif
/* ... and AddressSanitizer, of which stack it runs on. */
#if defined(__SANITIZE_ADDRESS__)
#define KNOT__ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KNOT__ASAN 1
#endif
#endif
#ifndef KNOT__ASAN
#define KNOT__ASAN 0
#endif
#if KNOT__ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
                                     size_t *size_old);
#endif
#if KNOT__TSAN
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
#endif

/* ---- task.c: tasks --------------------------------------------------------- */

typedef struct knot__task {
    uint64_t id;
    uint64_t parent_id;
    const knot_site *spawn_site;
    void (*fn)(void *);
    void *arg;
    void *arg_copy; /* knot_go_copy's private copy, freed at exit */
    knot__parker parker;
    uint64_t rng; /* xorshift state for select */
    /* What the task is blocked on, for the deadlock report. Written by the
     * task itself before it parks; read by the watchdog only once every task
     * is parked, so plain atomics with relaxed order suffice. */
    _Atomic(const char *) block_op;
    _Atomic(const knot_site *) block_site;
    struct knot__task *reg_prev, *reg_next; /* registry links */
    bool foreign;                           /* a thread knot did not spawn */
    bool gone;       /* a parent's task, seen from a forked child: never wakes */
    uint64_t clock;  /* traced: Lamport clock of the task's last event */
    uint64_t events; /* traced: events recorded for this task (ids) */
    /* A pthread created through the interposed pthread_create: */
    int tid;                                  /* the kernel's thread id */
    _Atomic(pthread_mutex_t *) waiting_mutex; /* blocked in pthread_mutex_lock on it */
    _Atomic bool self_blocked;                /* blocked in a libc call nobody claims it from */
    const void *block_return_address;         /* ... and where it was called */
    const void *spawn_return_address;         /* where pthread_create was called */
    uintptr_t spawn_call_site;                /* traced: that call's site (knot__call_site) */
    bool joinable;                            /* its record waits for pthread_join (or detach) */
    bool exited;                              /* under the join lock */
    struct knot__task *joiner;                /* a task blocked joining it, under the join lock */
    uint64_t end_event;                       /* traced: its task_end */
    const void *exit_return_address;          /* where it called pthread_exit */
    /* The frame of the runtime function that called the task's function:
     * call chains stop below it (the frames above are the runtime's). */
    uintptr_t entry_frame;
    /* A coroutine (sched.c): a task of knot_go's, or main once the scheduler
     * runs; the others are threads. */
    bool coroutine;
    uint32_t wired;                /* pthread locks held, knot_lock_thread depth: keep the thread */
    void *ctx_sp;                  /* its saved context while it does not run */
    knot__stack *stack;            /* NULL for main, on the main thread's stack */
    size_t stack_request;          /* knot_go_stack's size; 0: the default */
    struct knot__task *sched_next; /* in the global run queue */
    int saved_errno;               /* errno belongs to the task */
#if KNOT__TSAN
    void *tsan_fiber;
#endif
#if KNOT__ASAN
    void *asan_fake_stack;
    const void *asan_bottom; /* its stack, for AddressSanitizer */
    size_t asan_size;
#endif
} knot__task;

/* The task running on this thread (NULL on a thread knot has not seen, or
 * in the scheduler's loop). */
KNOT__HIDDEN extern KNOT__TLS knot__task *knot__current;
/* A coroutine's life between its start and end events: runs its function. */
KNOT__HIDDEN void knot__task_run(knot__task *t);
/* Free an ended coroutine's record, once off its stack. */
KNOT__HIDDEN void knot__task_free(knot__task *t);
/* End coroutine t now, from inside its function (pthread_exit); for main,
 * the process then exits with status 0 when its last task ends. */
KNOT__HIDDEN KNOT__NORETURN void knot__task_exit(knot__task *t);
/* The running task takes (delta 1) or lets go of (-1) something that ties
 * it to its thread: a pthread mutex or rwlock, or knot_lock_thread. */
KNOT__HIDDEN void knot__wire(int delta);

/* A task for a thread about to be created (counted, registered, its spawn
 * recorded at site or return_address); undone by spawn_failed. */
KNOT__HIDDEN knot__task *knot__task_spawning(const knot_site *site, const void *return_address);
KNOT__HIDDEN void knot__task_spawn_failed(knot__task *t);
/* knot_go_at, giving the new task's id in *child (may be NULL). */
KNOT__HIDDEN int knot__go_task(void (*fn)(void *), void *arg, const knot_site *site,
                               uint64_t *child);
/* In the new thread: become t; and, returning, stop being it. */
KNOT__HIDDEN void knot__task_enter(knot__task *t);
KNOT__HIDDEN void knot__task_leave(knot__task *t);

/* ---- interpose-thread.c (no-interpose.c in the ThreadSanitizer build) ------- */

/* The next definition of name past libknot (libc's), cached in *slot. */
KNOT__HIDDEN void *knot__libc(_Atomic(void *) *slot, const char *name);
/* sync-table.c: what the trace needs of an interposed pthread object. */
#define KNOT__BARRIER_ROUNDS 8 /* rounds a barrier remembers the releaser of */
typedef struct knot__sync_info {
    const void *addr;
    uint64_t id;
    uint64_t clock;             /* under the object (atomically, for rwlock readers) */
    uint64_t last_unlock;       /* what the next lock follows */
    uint64_t last_write_unlock; /* rwlocks: what the next read lock follows */
    /* Semaphores and barriers, which order nothing for knot themselves:
     * under this lock, with the clock. */
    knot__lock lock;
    /* Semaphores: the units not yet taken, oldest first: `initial_units`
     * from sem_init, then the posts (event ids) in a ring. */
    uint64_t initial_units;
    uint64_t *posts;
    uint32_t posts_head, posts_len, posts_cap;
    /* Barriers: the count, arrivals in this round, and for recent rounds the
     * begin of the arrival that completed it. */
    uint32_t count, arrived;
    uint64_t round;
    uint64_t releaser[KNOT__BARRIER_ROUNDS];
} knot__sync_info;
/* The entry for the object at addr, made on first sight; NULL if the table
 * is full or memory ran out (the object then goes unrecorded). */
KNOT__HIDDEN knot__sync_info *knot__sync_info_of(const void *addr);
/* The same, locked (the caller releases info->lock), when tracing. */
KNOT__HIDDEN knot__sync_info *knot__sync_info_locked(const void *addr);
/* The object at the entry's address was made afresh (sem_init,
 * pthread_barrier_init) or destroyed: a new id, and no state of its
 * predecessor. Called with the entry locked, or unused (destroyed). */
KNOT__HIDDEN void knot__sync_info_renew(knot__sync_info *i);
/* The object at addr was initialised (kind: its init event) or destroyed
 * (its destroy event), with result rc, at ra: record it, and when it worked,
 * let the entry's next use be another object. No-ops untraced; return the
 * event's id, or 0. */
KNOT__HIDDEN uint64_t knot__sync_made(const void *addr, uint16_t kind, int rc, const void *ra);
KNOT__HIDDEN uint64_t knot__sync_ended(const void *addr, uint16_t kind, int rc, const void *ra);
/* The memory [start, start+size) is freed or unmapped: the objects it held
 * are gone, whether or not the program destroyed them. */
KNOT__HIDDEN void knot__sync_forget(const void *start, size_t size);
/* Room for a semaphore's post ring of n ids, and its release. */
KNOT__HIDDEN uint64_t *knot__ring_alloc(uint32_t n);
KNOT__HIDDEN void knot__ring_free(uint64_t *ring, uint32_t n);

/* When a wait gives up: at abstime on CLOCK_REALTIME (the timed calls), or
 * on clock (the clock... calls: clocked). A NULL deadline: never. */
typedef struct knot__deadline {
    const struct timespec *abstime;
    clockid_t clock;
    bool clocked;
} knot__deadline;

/* The interposed pthread calls, taking the caller's return address, so that
 * C11's <threads.h> functions (interpose-c11.c) share them: glibc builds
 * those on the same objects. */
KNOT__HIDDEN int knot__mutex_lock(pthread_mutex_t *m, const knot__deadline *d, const void *ra);
KNOT__HIDDEN int knot__mutex_trylock(pthread_mutex_t *m, const void *ra);
KNOT__HIDDEN int knot__mutex_unlock(pthread_mutex_t *m, const void *ra);
KNOT__HIDDEN int knot__mutex_destroy(pthread_mutex_t *m, const void *ra);
KNOT__HIDDEN int knot__cond_wait(pthread_cond_t *c, pthread_mutex_t *m, const knot__deadline *d,
                                 const void *ra);
KNOT__HIDDEN int knot__cond_signal(pthread_cond_t *c, bool all, const void *ra);
KNOT__HIDDEN int knot__cond_destroy(pthread_cond_t *c, const void *ra);
/* pthread_create of fn, or (fn NULL) of C11's int-returning c11_fn. */
KNOT__HIDDEN int knot__thread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *),
                                     int (*c11_fn)(void *), void *arg, const void *ra);
KNOT__HIDDEN int knot__thread_join(pthread_t th, void **ret, const void *ra);
KNOT__HIDDEN int knot__thread_detach(pthread_t th, const void *ra);
/* The caller is about to end by pthread_exit or thrd_exit at ra. A task of
 * knot_go's ends right here instead, and this does not return. */
KNOT__HIDDEN void knot__thread_exiting(const void *ra);

/* libc's pthread_create, for the runtime's own threads. */
KNOT__HIDDEN int knot__pthread_create(pthread_t *th, const pthread_attr_t *attr,
                                      void *(*fn)(void *), void *arg);
/* A task's thread ended (end = its task_end event). Returns whether its
 * record must be kept for a joiner, which then frees it. */
KNOT__HIDDEN bool knot__thread_exited(knot__task *t, uint64_t end);

/* The calling thread's task, registering the thread on first use. */
KNOT__HIDDEN knot__task *knot__self(void);
KNOT__HIDDEN uint32_t knot__rand(knot__task *t, uint32_t bound);
KNOT__HIDDEN extern const knot_site knot__unknown_site;
/* Iterate tasks under the registry lock (watchdog report). */
KNOT__HIDDEN void knot__tasks_foreach(void (*fn)(knot__task *, void *), void *ctx);

/* ---- sched.c: the M:N scheduler ---------------------------------------------------- */

/* Start the scheduler if it is not running; false without memory. */
KNOT__HIDDEN bool knot__sched_start(void);
/* Run t, a new task, as a coroutine with a stack of stack_size (0: default). */
KNOT__HIDDEN int knot__sched_spawn(knot__task *t, size_t stack_size);
/* The coroutine running on this thread, if any (async-signal-safe). */
KNOT__HIDDEN const knot__task *knot__sched_running(void);
/* Park t, the running coroutine, until its parker is notified. */
KNOT__HIDDEN void knot__sched_park(knot__task *t);
/* t, a parked coroutine, can run. */
KNOT__HIDDEN void knot__sched_ready(knot__task *t);
/* The caller runs on a P with other tasks queued: a wait there holds them up. */
KNOT__HIDDEN bool knot__sched_local_work(void);
/* The running coroutine ends; never returns. */
KNOT__HIDDEN KNOT__NORETURN void knot__sched_exit(knot__task *t);
/* The running task is about to block outside knot, and is back. */
KNOT__HIDDEN void knot__sched_block_enter(void);
KNOT__HIDDEN void knot__sched_block_exit(void);
/* A wired task is about to sleep keeping its thread: its P goes elsewhere. */
KNOT__HIDDEN void knot__sched_release_p(void);

/* ---- watchdog.c: blocked accounting and the "all tasks asleep" detector ---- */

/* A task is about to park on a knot primitive; op names it for reports.
 * Must be called before the lock that lets a waker find it is released. */
KNOT__HIDDEN void knot__block_begin(knot__task *t, const char *op, const knot_site *site);
/* The same for an interposed call, named by its return address. */
KNOT__HIDDEN void knot__block_begin_at(knot__task *t, const char *op, const knot_site *site,
                                       const void *return_address);
/* A task blocks in an interposed libc call (a mutex, semaphore, barrier or
 * condition variable wait) that no waker of knot's will claim it from: it
 * counts as blocked until knot__block_self_end, and the detector asks the
 * kernel whether it really sleeps. op names it; return_address is the call.
 * On a process-shared object (shared), another process may wake it, which
 * the detector cannot see: then it does not count. Returns whether it
 * counts, for knot__block_self_end. */
KNOT__HIDDEN bool knot__block_self_begin(knot__task *t, const char *op, const void *return_address,
                                         bool shared);
KNOT__HIDDEN void knot__block_self_end(knot__task *t, bool counted);
/* glibc marks a process-shared object by a flag in one of its words (its
 * futexes are then FUTEX_SHARED); elsewhere knot cannot tell, and takes
 * every object for shared. */
#ifdef __GLIBC__
#define KNOT__PSHARED(flag_word, bit) (((flag_word) & (bit)) != 0)
#else
#define KNOT__PSHARED(flag_word, bit) true
#endif
/* Whether t waits for a pthread mutex that is free now (interpose-mutex.c). */
KNOT__HIDDEN bool knot__mutex_waiter_can_run(knot__task *t);
/* A waker claimed a parked task (it will run again). */
KNOT__HIDDEN void knot__block_claimed(void);
/* Tasks not parked on a knot primitive (running, or woken and about to run). */
KNOT__HIDDEN unsigned knot__running_tasks(void);
/* A task started or ended (tasks count); returns how many tasks there are now. */
KNOT__HIDDEN unsigned knot__task_count(int delta);
/* Start a detached runtime-internal thread (timer, watchdog): not a task,
 * but counted, so the detector can match the kernel's thread count. */
KNOT__HIDDEN bool knot__start_internal_thread(void *(*fn)(void *));
KNOT__HIDDEN bool knot__start_internal_thread_arg(void *(*fn)(void *), void *arg);
/* Threads that serve the runtime (the main thread, once it runs the
 * scheduler) and coroutine tasks (which have no thread of their own): what
 * the detector expects the kernel to count is tasks - coroutines + internal. */
KNOT__HIDDEN void knot__internal_threads(int delta);
KNOT__HIDDEN void knot__coroutines(int delta);
/* Timers pending: a pending timer may wake a task, so it is not a deadlock. */
KNOT__HIDDEN void knot__timers_pending(int delta);
/* Park forever, as a nil channel or an empty select does. */
KNOT__HIDDEN KNOT__NORETURN void knot__block_forever(const char *op, const knot_site *site);

/* ---- panic.c --------------------------------------------------------------- */

#include "panic-kinds.h"

/* Panic with Go's message (fmt), then an optional detail line naming the
 * object (may be NULL), the task and where the task was spawned. The trace
 * records kind, never the message. */
KNOT__HIDDEN KNOT__NORETURN void knot__panic(const knot_site *site, const char *detail,
                                             enum knot__panic_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The same for a panic about one object (a channel), which the trace names. */
KNOT__HIDDEN KNOT__NORETURN void knot__panic_object(uint64_t obj, const knot_site *site,
                                                    const char *detail, enum knot__panic_kind kind,
                                                    const char *msg);
/* Print a site as file:line in func(). */
KNOT__HIDDEN void knot__fprint_site(void *file, const knot_site *site);
/* Write the fatal text and end the process with status. Used by panic and the
 * deadlock detector; flushes whatever the recorder holds first. */
KNOT__HIDDEN KNOT__NORETURN void knot__die(int status);
/* Hook the recorder installs to flush on a fatal end. */
KNOT__HIDDEN extern void (*knot__on_fatal)(void);

/* ---- chan.c / select.c ------------------------------------------------------ */

/* A task waiting on a channel queue (Go's sudog). Lives on the waiter's stack. */
typedef struct knot__waiter {
    struct knot__waiter *prev, *next;
    knot__task *task;
    const knot_site *site; /* the waiting operation's call site (for the trace) */
    uint16_t kind;         /* its event kind (enum knot__kind) */
    void *elem;            /* value to send, or where to receive */
    _Atomic int *selected; /* shared claim word of a select; NULL for plain ops */
    int case_index;
    bool queued;
    bool success; /* value moved (true) or woken by close (false) */
} knot__waiter;

typedef struct knot__waitq {
    knot__waiter *first, *last;
} knot__waitq;

struct knot_chan {
    knot__lock lock;
    bool closed;
    size_t elem_size;
    size_t cap;
    size_t count;        /* buffered elements */
    size_t sendx, recvx; /* ring indices */
    unsigned char *buf;
    knot__waitq recvq, sendq;
    _Atomic int refs; /* user + timer references */
    uint64_t id;
    const knot_site *made_at;
    char *name;
    bool is_timer;             /* made by knot_after / knot_tick */
    uint64_t *slot_seq;        /* traced: the send event behind each buffered value */
    uint64_t close_seq;        /* traced: the close event */
    uint64_t clock;            /* traced: Lamport clock of the last event, under lock */
    struct knot__timer *timer; /* the pending timer, under the timer lock */
};

KNOT__HIDDEN void knot__waitq_push(knot__waitq *q, knot__waiter *w);
KNOT__HIDDEN void knot__waitq_remove(knot__waitq *q, knot__waiter *w);
/* Pop the first waiter that can be claimed (skipping selects already won). */
KNOT__HIDDEN knot__waiter *knot__waitq_claim(knot__waitq *q);

/* Try one direction without blocking, with ch locked. Returns true if done;
 * *ok gets the receive's flag. Wakes a partner, which happens after unlock
 * through *wake. */
/* Who performs an operation, for the trace: task id (0 = the runtime), the
 * call site, the event kind and, in a select, the case index. */
typedef struct knot__op {
    knot__task *task; /* NULL: the runtime (a timer) */
    const knot_site *site;
    uint16_t kind;
    int case_index;
} knot__op;

KNOT__HIDDEN bool knot__chan_try_send(knot_chan *ch, const void *elem, knot__waiter **wake,
                                      const knot__op *op);
KNOT__HIDDEN bool knot__chan_try_recv(knot_chan *ch, void *elem, bool *ok, knot__waiter **wake,
                                      const knot__op *op);
KNOT__HIDDEN void knot__chan_wake(knot__waiter *w);
/* Blocking send/receive; op names a receive in reports ("chan receive", "sleep"). */
KNOT__HIDDEN void knot__chan_send_op(knot_chan *ch, const void *elem, const knot_site *site);
KNOT__HIDDEN bool knot__chan_recv_op(knot_chan *ch, void *elem, const knot_site *site,
                                     const char *op);
KNOT__HIDDEN void knot__chan_unref(knot_chan *ch);
/* Panic with msg, naming the channel (may be NULL). */
KNOT__HIDDEN KNOT__NORETURN void knot__chan_panic(knot_chan *ch, const knot_site *site,
                                                  enum knot__panic_kind kind, const char *msg);

/* ---- record.c: the event recorder (see record.h) -------------------------- */

#include "record.h"

KNOT__HIDDEN extern bool knot__tracing;
/* Non-zero while this thread is inside the recorder (or holds a side-table
 * entry's lock to record): a signal handler that interrupted it there must
 * not record (sem_post is async-signal-safe, so handlers call it). */
KNOT__HIDDEN extern KNOT__TLS unsigned knot__recording;
/* Record an event of task t (NULL: the runtime) on object obj, whose clock
 * (NULL for none) the caller holds the lock of. Returns the event's id. */
KNOT__HIDDEN uint64_t knot__emit(uint16_t kind, uint8_t phase, knot__task *t, uint64_t obj,
                                 uint64_t *obj_clock, const knot_site *site, uint64_t a,
                                 uint64_t b);
/* The same for an interposed call, whose site is its return address. */
KNOT__HIDDEN uint64_t knot__emit_at(uint16_t kind, uint8_t phase, knot__task *t, uint64_t obj,
                                    uint64_t *obj_clock, const void *return_address, uint64_t a,
                                    uint64_t b);
/* The two halves of knot__emit_at, for a call whose site is recorded on
 * a stack other than the caller's: the call's site (its chain, interned),
 * taken where the call is made; then an event at it. */
KNOT__HIDDEN uintptr_t knot__call_site(const void *return_address);
KNOT__HIDDEN uint64_t knot__emit_call(uint16_t kind, uint8_t phase, knot__task *t, uint64_t obj,
                                      uint64_t *obj_clock, uintptr_t call_site, uint64_t a,
                                      uint64_t b);
KNOT__HIDDEN void knot__emit_name(uint64_t obj, const char *name);
/* Record where an interposed object lives: a global's symbol names it. */
KNOT__HIDDEN void knot__emit_address(uint64_t obj, const void *addr);

/* ---- callchain.c: the frames above an interposed call ------------------------ */

/* Store in out[0..max) the return address of the interposed call
 * (return_address) and those of its callers, outermost last; returns how
 * many. Called by the runtime's own frames below that call. *note is then
 * NULL, or a word the caller may keep a non-zero note in for this chain (its
 * interned site): while the same chain is found again from the same place,
 * the note is there, and out is left as it was. */
KNOT__HIDDEN unsigned knot__callchain(const void *return_address, uintptr_t *out, unsigned max,
                                      uintptr_t **note);
/* Clear this thread's notes (the recorder starts a new journal). */
KNOT__HIDDEN void knot__callchain_forget_notes(void);
KNOT__HIDDEN uint64_t knot__object_id(void);
KNOT__HIDDEN void knot__recorder_fork_child(void);

/* Record an event when tracing; evaluates to its id, or 0. The untraced
 * cost is this one branch. */
#define KNOT__TRACE(kind, phase, task, obj, clock, site, a, b)                                   \
    (KNOT__UNLIKELY(knot__tracing) ? knot__emit((kind), (phase), (task), (obj), (clock), (site), \
                                                (uint64_t)(a), (uint64_t)(b))                    \
                                   : 0)

/* ---- fork.c: keeping the runtime whole across fork() ------------------------ */

enum knot__fork_phase { KNOT__FORK_PREPARE, KNOT__FORK_PARENT, KNOT__FORK_CHILD };
KNOT__HIDDEN void knot__tasks_fork(enum knot__fork_phase phase);
KNOT__HIDDEN void knot__timers_fork(enum knot__fork_phase phase);
KNOT__HIDDEN void knot__threads_fork(enum knot__fork_phase phase);
/* In a forked child: free the side table's entry locks, which a thread of
 * the parent may have held. */
KNOT__HIDDEN void knot__sync_table_fork_child(void);
/* Hold l across fork(); in the child, free it and return true, so the
 * caller can then reset what it guards. */
KNOT__HIDDEN bool knot__lock_fork(knot__lock *l, enum knot__fork_phase phase);
KNOT__HIDDEN void knot__watchdog_fork_child(void);
KNOT__HIDDEN void knot__sched_fork(enum knot__fork_phase phase);
KNOT__HIDDEN void knot__stacks_fork(enum knot__fork_phase phase);

/* ---- timer.c ---------------------------------------------------------------- */

KNOT__HIDDEN void knot__timer_cancel(knot_chan *ch);

#endif /* KNOT_INTERNAL_H */
