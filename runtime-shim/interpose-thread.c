/* Interposed pthread_create, pthread_join (and the GNU try, timed and clock
 * joins), pthread_detach and pthread_exit.
 *
 * Every thread the program creates becomes a knot task from its first
 * instruction: numbered, with its parent and the creating call's site, its
 * start and end recorded, and counted by the live deadlock detector. A
 * pthread_join is a blocking operation like a channel receive: a joiner
 * waiting for a thread counts as blocked, and the thread's exit is what
 * claims it, so "every task asleep" also covers joins. */
#include "internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
typedef int (*join_fn)(pthread_t, void **);
typedef int (*detach_fn)(pthread_t);

void *knot__libc(_Atomic(void *) *slot, const char *name) {
    void *f = atomic_load_explicit(slot, memory_order_acquire);
    if (KNOT__LIKELY(f != NULL))
        return f;
    f = dlsym(RTLD_NEXT, name);
    if (!f) {
        fprintf(stderr, "fatal error: knot: cannot find libc's %s\n", name);
        abort();
    }
    atomic_store_explicit(slot, f, memory_order_release);
    return f;
}

static _Atomic(create_fn) real_create;
static _Atomic(join_fn) real_join;
static _Atomic(detach_fn) real_detach;

#define REAL(var, type, name) ((type)knot__libc((_Atomic(void *) *)(void *)&(var), (name)))

int knot__pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *),
                         void *arg) {
    return REAL(real_create, create_fn, "pthread_create")(th, attr, fn, arg);
}

/* ---- joinable threads: pthread_t → task, until joined or detached ---------------------- */

typedef struct joinable {
    pthread_t th;
    knot__task *task;
    struct joinable *next;
} joinable;

static knot__lock join_lock;
static joinable *joinables;

/* Put th → t in the table, in j (join lock held). */
static void insert(joinable *j, pthread_t th, knot__task *t) {
    if (j) {
        *j = (joinable){th, t, joinables};
        joinables = j;
    } else {
        t->joinable = false; /* cannot track it: its record goes with it */
    }
}

static void remember(pthread_t th, knot__task *t) {
    joinable *j = malloc(sizeof *j);
    knot__lock_acquire(&join_lock);
    insert(j, th, t);
    knot__lock_release(&join_lock);
}

/* Take th's task out of the table (join lock held). */
static knot__task *take(pthread_t th) {
    for (joinable **p = &joinables; *p; p = &(*p)->next)
        if (pthread_equal((*p)->th, th)) {
            joinable *j = *p;
            knot__task *t = j->task;
            *p = j->next;
            free(j);
            return t;
        }
    return NULL;
}

void knot__threads_fork(enum knot__fork_phase phase) {
    if (!knot__lock_fork(&join_lock, phase))
        return;
    /* The parent's other threads do not exist here: none can be joined. */
    joinables = NULL;
}

bool knot__thread_exited(knot__task *t, uint64_t end) {
    knot__lock_acquire(&join_lock);
    bool keep = t->joinable;
    t->exited = true;
    t->end_event = end;
    if (t->joiner)
        knot__block_claimed(); /* the joiner will run again */
    knot__lock_release(&join_lock);
    return keep;
}

/* ---- the interposed functions ---------------------------------------------------------- */

typedef struct start {
    knot__task *task;
    void *(*fn)(void *);
    int (*c11_fn)(void *); /* thrd_create's: its int is the thread's result */
    void *arg;
} start;

static void *thread_main(void *p) {
    start s = *(start *)p;
    free(p);
    knot__task_enter(s.task);
    s.task->entry_frame = (uintptr_t)__builtin_frame_address(0);
    /* As glibc runs a C11 thread: the int, widened, is what a join sees. */
    void *r = s.fn ? s.fn(s.arg) : (void *)(intptr_t)s.c11_fn(s.arg);
    knot__task_leave(s.task);
    return r;
}

int knot__thread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *),
                        int (*c11_fn)(void *), void *arg, const void *ra) {
    start *s = malloc(sizeof *s);
    knot__task *t = s ? knot__task_spawning(NULL, ra) : NULL;
    if (!t) {
        free(s);
        return EAGAIN;
    }
    int detached = PTHREAD_CREATE_JOINABLE;
    if (attr)
        pthread_attr_getdetachstate(attr, &detached);
    bool for_join = detached == PTHREAD_CREATE_JOINABLE;
    t->joinable = for_join;
    *s = (start){t, fn, c11_fn, arg};
    /* Made and put in the table under the join lock, so that the thread
     * cannot end, join or detach itself before it is there to be found. */
    joinable *j = for_join ? malloc(sizeof *j) : NULL;
    knot__lock_acquire(&join_lock);
    int err = knot__pthread_create(th, attr, thread_main, s);
    if (!err && for_join)
        insert(j, *th, t);
    knot__lock_release(&join_lock);
    if (err) {
        free(j);
        free(s);
        knot__task_spawn_failed(t);
        return err;
    }
    return 0;
}

typedef int (*tryjoin_fn)(pthread_t, void **);
typedef int (*timedjoin_fn)(pthread_t, void **, const struct timespec *);
typedef int (*clockjoin_fn)(pthread_t, void **, clockid_t, const struct timespec *);
static _Atomic(void *) real_tryjoin, real_timedjoin, real_clockjoin;

/* libc's join: blocking (d NULL), giving up at d, or not waiting at all. */
static int join_real(pthread_t th, void **ret, const knot__deadline *d, bool try) {
    if (try)
        return REAL(real_tryjoin, tryjoin_fn, "pthread_tryjoin_np")(th, ret);
    if (d && d->clocked)
        return REAL(real_clockjoin, clockjoin_fn, "pthread_clockjoin_np")(th, ret, d->clock,
                                                                          d->abstime);
    if (d)
        return REAL(real_timedjoin, timedjoin_fn, "pthread_timedjoin_np")(th, ret, d->abstime);
    return REAL(real_join, join_fn, "pthread_join")(th, ret);
}

/* The join failed (EDEADLK, EINVAL; EBUSY or ETIMEDOUT for the try and the
 * timed ones): the thread's record goes back in the table for a later
 * join, and a joiner counted blocked stops counting, unless the thread's
 * end has claimed it already. */
static void join_failed(pthread_t th, knot__task *t, bool counted) {
    knot__lock_acquire(&join_lock);
    if (counted && !t->exited)
        knot__block_claimed();
    t->joiner = NULL;
    knot__lock_release(&join_lock);
    remember(th, t);
}

static int join(pthread_t th, void **ret, const knot__deadline *d, bool try, const void *ra) {
    knot__task *self = knot__self();
    knot__lock_acquire(&join_lock);
    knot__task *t = take(th); /* ours now: its thread no longer looks it up */
    bool may_wait = t && !t->exited && !try;
    knot__lock_release(&join_lock);
    /* Written past the lock: interning its site may wait for the dynamic
     * linker's lock, which a thread creating threads from a constructor
     * holds while it waits for the join lock. And written before the join
     * counts as blocked, so that a deadlock report never precedes it. */
    if (may_wait && KNOT__UNLIKELY(knot__tracing))
        (void)knot__emit_at(KNOT__EV_THREAD_JOIN, KNOT__BEGIN, self, 0, NULL, ra, t->id, 0);
    bool counted = false;
    if (may_wait && !d) { /* a timed join ends by itself */
        knot__lock_acquire(&join_lock);
        counted = !t->exited; /* it may have ended meanwhile: nothing to wait for */
        if (counted) {
            t->joiner = self;
            knot__block_begin_at(self, "thread join", NULL, ra);
        }
        knot__lock_release(&join_lock);
    }
    int rc = join_real(th, ret, d, try);
    if (!t)
        return rc;
    /* Joined: the ended thread's last clock, as an object's, so the join
     * comes after its end in the trace, as it did in the run. */
    if (KNOT__UNLIKELY(knot__tracing))
        (void)knot__emit_at(KNOT__EV_THREAD_JOIN, may_wait ? KNOT__END : KNOT__POINT, self, 0,
                            rc == 0 ? &t->clock : NULL, ra, rc == 0 ? t->end_event : 0,
                            (uint64_t)rc);
    if (rc != 0)
        join_failed(th, t, counted);
    else
        free(t);
    return rc;
}

int knot__thread_join(pthread_t th, void **ret, const void *ra) {
    return join(th, ret, NULL, false, ra);
}

int knot__thread_detach(pthread_t th, const void *ra) {
    knot__task *self = knot__self();
    knot__lock_acquire(&join_lock);
    knot__task *t = take(th);
    bool gone = t && t->exited;
    if (t && !gone)
        t->joinable = false; /* it frees its own record when it ends */
    uint64_t id = t ? t->id : pthread_equal(th, pthread_self()) ? self->id : 0;
    knot__lock_release(&join_lock);
    if (gone)
        free(t);
    int rc = REAL(real_detach, detach_fn, "pthread_detach")(th);
    if (KNOT__UNLIKELY(knot__tracing))
        (void)knot__emit_at(KNOT__EV_THREAD_DETACH, KNOT__POINT, self, 0, NULL, ra, id,
                            (uint64_t)rc);
    return rc;
}

/* A coroutine shares its thread with other tasks: pthread_exit there ends
 * the task, as returning from its function would, and the thread goes on
 * running the others (ending the thread would take it, and the processor it
 * held, from under them). Main is a coroutine once the scheduler runs. */
void knot__thread_exiting(const void *ra) {
    knot__task *t = knot__self();
    t->exit_return_address = ra;
    if (t->coroutine)
        knot__task_exit(t);
}

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
    return knot__thread_create(th, attr, fn, NULL, arg, __builtin_return_address(0));
}

int pthread_join(pthread_t th, void **ret) {
    return knot__thread_join(th, ret, __builtin_return_address(0));
}

int pthread_detach(pthread_t th) { return knot__thread_detach(th, __builtin_return_address(0)); }

int pthread_tryjoin_np(pthread_t th, void **ret) {
    return join(th, ret, NULL, true, __builtin_return_address(0));
}

int pthread_timedjoin_np(pthread_t th, void **ret, const struct timespec *abstime) {
    return join(th, ret, &(knot__deadline){abstime, CLOCK_REALTIME, false}, false,
                __builtin_return_address(0));
}

int pthread_clockjoin_np(pthread_t th, void **ret, clockid_t clock,
                         const struct timespec *abstime) {
    return join(th, ret, &(knot__deadline){abstime, clock, true}, false,
                __builtin_return_address(0));
}

typedef void (*exit_fn)(void *);
static _Atomic(exit_fn) real_exit;

void pthread_exit(void *ret) {
    knot__thread_exiting(__builtin_return_address(0));
    REAL(real_exit, exit_fn, "pthread_exit")(ret);
    __builtin_unreachable();
}
