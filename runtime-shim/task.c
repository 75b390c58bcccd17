/* Tasks: an identity, a spawn site and a parker.
 *
 * knot_go's tasks are coroutines that the scheduler (sched.c) runs on a few
 * threads. Every other thread that touches knot is a task too, one thread
 * each: the main thread (task 1, registered before main runs; a coroutine
 * once the scheduler starts on it), threads made by pthread_create or
 * thrd_create, and any foreign thread on its first knot call. A
 * thread-specific-data destructor unregisters foreign threads when they
 * exit, so the deadlock detector's count stays exact. */
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

const knot_site knot__unknown_site = {"<unknown>", 0, "?"};

static knot__lock registry_lock;
static knot__task *registry_head;
static _Atomic uint64_t next_task_id = 1;
static _Atomic bool main_exited; /* main called pthread_exit or thrd_exit */
static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;
KNOT__TLS knot__task *knot__current;

static void registry_add(knot__task *t) {
    knot__lock_acquire(&registry_lock);
    t->reg_prev = NULL;
    t->reg_next = registry_head;
    if (registry_head)
        registry_head->reg_prev = t;
    registry_head = t;
    knot__lock_release(&registry_lock);
}

static void registry_remove(knot__task *t) {
    knot__lock_acquire(&registry_lock);
    if (t->reg_prev)
        t->reg_prev->reg_next = t->reg_next;
    else
        registry_head = t->reg_next;
    if (t->reg_next)
        t->reg_next->reg_prev = t->reg_prev;
    knot__lock_release(&registry_lock);
}

void knot__tasks_foreach(void (*fn)(knot__task *, void *), void *ctx) {
    knot__lock_acquire(&registry_lock);
    /* The list is newest first; walk it backwards so reports read in spawn order. */
    knot__task *t = registry_head;
    while (t && t->reg_next)
        t = t->reg_next;
    for (; t; t = t->reg_prev)
        fn(t, ctx);
    knot__lock_release(&registry_lock);
}

static knot__task *task_new(const knot_site *spawn_site) {
    knot__task *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->id = atomic_fetch_add(&next_task_id, 1);
    t->spawn_site = spawn_site;
    /* Seed the select RNG from the id and the record's address; any non-zero
     * value works. (Not the clock: clock() is a system call, once a spawn.) */
    t->rng = (t->id * 0x9E3779B97F4A7C15ull) ^ (uint64_t)(uintptr_t)t;
    if (!t->rng)
        t->rng = 0x2545F4914F6CDD1Dull;
    return t;
}

/* The task's end; returns whether its record must be kept for a joiner. */
static bool task_ended(knot__task *t, uint64_t how) {
    uint64_t end = 0;
    if (KNOT__UNLIKELY(knot__tracing)) /* its site: where it called pthread_exit, if it did */
        end = knot__emit_at(KNOT__EV_TASK_END, KNOT__POINT, t, 0, NULL, t->exit_return_address, how,
                            0);
    registry_remove(t);
    free(t->arg_copy);
    t->arg_copy = NULL;
    /* Cancelled in a wait (sem_wait, pthread_cond_wait are cancellation
     * points), it never returned to stop counting as blocked. */
    if (atomic_load_explicit(&t->self_blocked, memory_order_acquire))
        knot__block_self_end(t, true);
    /* A joinable pthread's record outlives it: the joiner still needs it. */
    bool keep = knot__thread_exited(t, end);
    if (t->coroutine)
        knot__coroutines(-1);
    /* As POSIX has it for threads: once main has called pthread_exit, the
     * end of the last task is the process's, as if by exit(0). (The main
     * thread, a scheduler thread now, does not end with main.) */
    if (knot__task_count(-1) == 0 && atomic_load(&main_exited))
        exit(0);
    return keep;
}

static void task_exit(knot__task *t, uint64_t how) {
    if (!task_ended(t, how))
        free(t);
}

/* Called by pthreads when a foreign thread (or a task calling pthread_exit)
 * ends: the same bookkeeping as a task returning. */
static void exit_destructor(void *p) {
    knot__task *t = p;
    knot__current = NULL;
    task_exit(t, 2); /* ended by pthread_exit, or a foreign thread's end */
}

static void make_exit_key(void) { pthread_key_create(&exit_key, exit_destructor); }

static void adopt(knot__task *t) {
    t->tid = (int)syscall(SYS_gettid);
    pthread_once(&exit_key_once, make_exit_key);
    knot__current = t;
    pthread_setspecific(exit_key, t);
}

knot__task *knot__self(void) {
    knot__task *t = knot__current;
    if (KNOT__LIKELY(t != NULL))
        return t;
    t = task_new(&knot__unknown_site);
    if (!t) {
        /* Without memory there is no way to keep Go's semantics; say so. */
        static const char msg[] = "fatal error: knot: out of memory registering a thread\n";
        (void)!write(2, msg, sizeof msg - 1);
        abort();
    }
    t->foreign = true;
    knot__task_count(1);
    registry_add(t);
    adopt(t);
    (void)KNOT__TRACE(KNOT__EV_TASK_START, KNOT__POINT, t, 0, NULL, NULL, 0, 0);
    return t;
}

void knot__tasks_fork(enum knot__fork_phase phase) {
    if (!knot__lock_fork(&registry_lock, phase))
        return;
    /* Only the forking thread survives. The other tasks' records are
     * left allocated: stale waiters on channels may still point at them. */
    for (knot__task *t = registry_head; t; t = t->reg_next)
        t->gone = t != knot__current;
    registry_head = NULL;
    if (knot__current) {
        knot__current->reg_prev = knot__current->reg_next = NULL;
        registry_head = knot__current;
        knot__task_count(1);
    }
}

/* Register the main thread first so that it is task 1. */
__attribute__((constructor)) static void register_main(void) { (void)knot__self(); }

uint32_t knot__rand(knot__task *t, uint32_t bound) {
    uint64_t x = t->rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    t->rng = x;
    /* Lemire's multiply-shift: unbiased enough for select fairness. */
    return (uint32_t)(((x >> 32) * (uint64_t)bound) >> 32);
}

void knot__task_enter(knot__task *t) {
    adopt(t);
    if (KNOT__UNLIKELY(knot__tracing)) {
        if (t->spawn_call_site)
            (void)knot__emit_call(KNOT__EV_TASK_START, KNOT__POINT, t, 0, NULL, t->spawn_call_site,
                                  t->parent_id, 0);
        else if (t->spawn_return_address)
            (void)knot__emit_at(KNOT__EV_TASK_START, KNOT__POINT, t, 0, NULL,
                                t->spawn_return_address, t->parent_id, 0);
        else
            (void)knot__emit(KNOT__EV_TASK_START, KNOT__POINT, t, 0, NULL, t->spawn_site,
                             t->parent_id, 0);
    }
}

void knot__task_leave(knot__task *t) {
    /* Normal return: unregister here rather than in the TSD destructor so the
     * count drops before the thread's remaining teardown. */
    pthread_setspecific(exit_key, NULL);
    knot__current = NULL;
    task_exit(t, 0);
}

void knot__task_run(knot__task *t) {
    if (KNOT__UNLIKELY(knot__tracing))
        (void)knot__emit(KNOT__EV_TASK_START, KNOT__POINT, t, 0, NULL, t->spawn_site, t->parent_id,
                         0);
    t->entry_frame = (uintptr_t)__builtin_frame_address(0);
    t->fn(t->arg);
    (void)task_ended(t, 0);
}

void knot__task_free(knot__task *t) { free(t); }

void knot__task_exit(knot__task *t) {
    if (t->id == 1)
        atomic_store(&main_exited, true);
    (void)task_ended(t, 2);
    knot__sched_exit(t);
}

void knot__wire(int delta) {
    knot__task *t = knot__current;
    if (!t)
        return;
    if (delta > 0)
        t->wired++;
    else if (t->wired > 0) /* an unlock by a thread that did not lock: not ours to count */
        t->wired--;
}

int *knot_errno(void) { return &errno; }

void knot_lock_thread(void) { knot__wire(1); }
void knot_unlock_thread(void) { knot__wire(-1); }

knot__task *knot__task_spawning(const knot_site *site, const void *return_address) {
    knot__task *parent = knot__self();
    knot__task *t = task_new(site ? site : &knot__unknown_site);
    if (!t)
        return NULL;
    t->parent_id = parent->id;
    t->spawn_return_address = return_address;
    /* Count the task before it can run (and end), so the count never dips. */
    knot__task_count(1);
    registry_add(t);
    if (KNOT__UNLIKELY(knot__tracing)) {
        if (return_address) {
            /* The chain is on this stack, not the child's: take it here. */
            t->spawn_call_site = knot__call_site(return_address);
            (void)knot__emit_call(KNOT__EV_GO, KNOT__POINT, parent, 0, NULL, t->spawn_call_site,
                                  t->id, 0);
        } else
            (void)knot__emit(KNOT__EV_GO, KNOT__POINT, parent, 0, NULL, t->spawn_site, t->id, 0);
    }
    t->clock = parent->clock; /* the child's start comes after the spawn */
    return t;
}

void knot__task_spawn_failed(knot__task *t) {
    registry_remove(t);
    knot__task_count(-1);
    free(t);
}

static int spawn(void (*fn)(void *), void *arg, void *copy, size_t stack_size,
                 const knot_site *site, uint64_t *child) {
    knot__task *t = knot__task_spawning(site, NULL);
    if (!t)
        return ENOMEM;
    if (child)
        *child = t->id; /* read now: the task may be gone once started */
    t->fn = fn;
    t->arg = copy ? copy : arg;
    t->arg_copy = copy;
    int err = knot__sched_spawn(t, stack_size);
    if (err) {
        t->arg_copy = NULL; /* the copy stays the caller's to free */
        knot__task_spawn_failed(t);
        return err;
    }
    return 0;
}

int knot_go_at(void (*fn)(void *), void *arg, const knot_site *site) {
    return knot__go_task(fn, arg, site, NULL);
}

int knot__go_task(void (*fn)(void *), void *arg, const knot_site *site, uint64_t *child) {
    if (!fn)
        return EINVAL;
    return spawn(fn, arg, NULL, 0, site, child);
}

int knot_go_copy_at(void (*fn)(void *), const void *arg, size_t size, const knot_site *site) {
    if (!fn)
        return EINVAL;
    void *copy = malloc(size ? size : 1);
    if (!copy)
        return ENOMEM;
    if (size)
        memcpy(copy, arg, size);
    int err = spawn(fn, NULL, copy, 0, site, NULL);
    if (err)
        free(copy);
    return err;
}

int knot_go_stack_at(void (*fn)(void *), void *arg, size_t stack_size, const knot_site *site) {
    if (!fn)
        return EINVAL;
    return spawn(fn, arg, NULL, stack_size, site, NULL);
}

int knot_go(void (*fn)(void *), void *arg) { return knot_go_at(fn, arg, NULL); }

int knot_go_stack(void (*fn)(void *), void *arg, size_t stack_size) {
    return knot_go_stack_at(fn, arg, stack_size, NULL);
}

int knot_go_copy(void (*fn)(void *), const void *arg, size_t size) {
    return knot_go_copy_at(fn, arg, size, NULL);
}

uint64_t knot_task_id(void) { return knot__self()->id; }
