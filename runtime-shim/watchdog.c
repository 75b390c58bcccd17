/* Blocked-task accounting and the live "all tasks are asleep" detector.
 *
 * One 64-bit word holds the number of tasks, the number of parked tasks that
 * no waker has claimed yet, and an epoch bumped by every change. A task adds
 * itself to `blocked` before the lock that lets a waker find it is released,
 * and the waker subtracts it when it claims the task, so `blocked == tasks`
 * can only be seen when no running task is left to wake anybody.
 *
 * That state is only a suspicion: a thread knot has never seen (created
 * before the shim could interpose, or by raw clone) might still be about to
 * send, and a pending timer will fire. So the watchdog thread confirms it:
 * no pending timers, the kernel's thread count equals tasks + knot's own
 * threads, and the word (epoch included) unchanged across those reads. A
 * thread that is exiting still shows in the kernel's count for a moment, so
 * the watchdog re-checks with a short back-off rather than giving up. */
#include "internal.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCKED_BITS 20
#define TASK_SHIFT   BLOCKED_BITS
#define EPOCH_SHIFT  40
#define FIELD_MASK   ((UINT64_C(1) << BLOCKED_BITS) - 1)
#define EPOCH_ONE    (UINT64_C(1) << EPOCH_SHIFT)

static _Atomic uint64_t state;
static _Atomic int timers;
static _Atomic int internal;
static _Atomic int coroutines;
static _Atomic uint32_t kick;
static pthread_once_t watchdog_once = PTHREAD_ONCE_INIT;

static unsigned blocked_of(uint64_t w) { return (unsigned)(w & FIELD_MASK); }
static unsigned tasks_of(uint64_t w) { return (unsigned)((w >> TASK_SHIFT) & FIELD_MASK); }

static bool suspect(uint64_t w) { return tasks_of(w) > 0 && blocked_of(w) == tasks_of(w); }

static void *watchdog_main(void *arg);

static void start_watchdog(void) {
    (void)knot__start_internal_thread(watchdog_main); /* failing: no detector, no harm */
}

static void maybe_kick(uint64_t w) {
    if (!suspect(w) || atomic_load_explicit(&timers, memory_order_relaxed) > 0)
        return;
    pthread_once(&watchdog_once, start_watchdog);
    atomic_fetch_add_explicit(&kick, 1, memory_order_release);
    knot__futex_wake(&kick, 1);
}

/* What the report says of t is written before t counts as blocked: from
 * then on the watchdog may read it. */
void knot__block_begin_at(knot__task *t, const char *op, const knot_site *site,
                          const void *return_address) {
    t->block_return_address = return_address;
    atomic_store_explicit(&t->block_op, op, memory_order_relaxed);
    atomic_store_explicit(&t->block_site, site, memory_order_relaxed);
    uint64_t w = atomic_fetch_add_explicit(&state, EPOCH_ONE + 1, memory_order_acq_rel);
    maybe_kick(w + EPOCH_ONE + 1);
}

void knot__block_begin(knot__task *t, const char *op, const knot_site *site) {
    knot__block_begin_at(t, op, site, NULL);
}

/* The flag says "ask the kernel" for as long as the task counts as blocked:
 * set before it counts, cleared after it no longer does. */
bool knot__block_self_begin(knot__task *t, const char *op, const void *return_address,
                            bool shared) {
    knot__sched_block_enter(); /* its processor may serve others meanwhile */
    if (shared)
        return false;
    atomic_store_explicit(&t->self_blocked, true, memory_order_release);
    knot__block_begin_at(t, op, NULL, return_address);
    return true;
}

void knot__block_self_end(knot__task *t, bool counted) {
    knot__sched_block_exit();
    if (!counted)
        return;
    knot__block_claimed();
    atomic_store_explicit(&t->self_blocked, false, memory_order_release);
}

void knot__block_claimed(void) {
    atomic_fetch_add_explicit(&state, EPOCH_ONE - 1, memory_order_acq_rel);
}

unsigned knot__task_count(int delta) {
    uint64_t d = delta > 0 ? (UINT64_C(1) << TASK_SHIFT) : -(UINT64_C(1) << TASK_SHIFT);
    uint64_t w =
        atomic_fetch_add_explicit(&state, EPOCH_ONE + d, memory_order_acq_rel) + EPOCH_ONE + d;
    if (delta < 0)
        maybe_kick(w);
    return tasks_of(w);
}

unsigned knot__running_tasks(void) {
    uint64_t w = atomic_load_explicit(&state, memory_order_relaxed);
    return tasks_of(w) - blocked_of(w);
}

void knot__watchdog_fork_child(void) {
    /* No tasks (the task registry counts the forking one back in), none
     * blocked, no runtime threads, no pending timers; the watchdog restarts
     * on first suspicion. */
    atomic_store(&state, 0);
    atomic_store(&timers, 0);
    atomic_store(&internal, 0);
    atomic_store(&coroutines, 0);
    atomic_store(&kick, 0);
    watchdog_once = (pthread_once_t)PTHREAD_ONCE_INIT;
}

void knot__internal_threads(int delta) { atomic_fetch_add(&internal, delta); }

void knot__coroutines(int delta) { atomic_fetch_add(&coroutines, delta); }

bool knot__start_internal_thread(void *(*fn)(void *)) {
    return knot__start_internal_thread_arg(fn, NULL);
}

bool knot__start_internal_thread_arg(void *(*fn)(void *), void *arg) {
    pthread_t th;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, (size_t)64 * 1024); /* they call nothing deep */
    knot__internal_threads(1); /* before it exists, so the count never falls short */
    bool ok = knot__pthread_create(&th, &attr, fn, arg) == 0;
    if (!ok)
        knot__internal_threads(-1);
    pthread_attr_destroy(&attr);
    return ok;
}

void knot__timers_pending(int delta) {
    int now = atomic_fetch_add(&timers, delta) + delta;
    /* The last timer fired and woke nobody: the program may now be stuck. */
    if (now == 0)
        maybe_kick(atomic_load(&state));
}

void knot__block_forever(const char *op, const knot_site *site) {
    knot__task *t = knot__self();
    knot__block_begin(t, op, site);
    for (;;)
        knot__park(&t->parker); /* nobody holds this waiter; only the detector ends it */
}

/* The kernel's view of how many threads the process has. */
static int kernel_threads(void) {
    FILE *f = fopen("/proc/self/status", "re");
    if (!f)
        return -1;
    char line[256];
    int n = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Threads:", 8) == 0) {
            n = (int)strtol(line + 8, NULL, 10);
            break;
        }
    fclose(f);
    return n;
}

/* ThreadSanitizer's runtime starts one background thread of its own (with
 * the program's first thread) that never touches knot; allow for it. */
#if defined(__SANITIZE_THREAD__)
#define SANITIZER_THREADS 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SANITIZER_THREADS 1
#endif
#endif
#ifndef SANITIZER_THREADS
#define SANITIZER_THREADS 0
#endif

/* Whether the kernel has thread tid asleep ('S': in a futex wait, for the
 * tasks asked about). Woken, or not yet asleep, it is runnable ('R'). */
static bool kernel_sleeps(int tid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')'); /* the name before it may hold anything */
    return paren && paren[1] == ' ' && paren[2] == 'S';
}

/* A task blocked in an interposed libc call (a pthread mutex, semaphore,
 * barrier, condition variable) counts itself blocked; nobody claims it, so
 * it may already be free to run when the count says asleep. It is stuck only
 * while the kernel has it asleep and, for a mutex, while its mutex is still
 * held (by a task that, everyone being blocked, cannot release it). A task
 * that could wake it would have to run first, which changes the count. */
static void check_self_blocked(knot__task *t, void *free_found) {
    if (knot__mutex_waiter_can_run(t) ||
        (atomic_load_explicit(&t->self_blocked, memory_order_acquire) && !kernel_sleeps(t->tid)))
        *(bool *)free_found = true;
}

static bool self_blocked_can_run(void) {
    bool found = false;
    knot__tasks_foreach(check_self_blocked, &found);
    return found;
}

static bool confirmed(void) {
    uint64_t w = atomic_load(&state);
    if (!suspect(w) || atomic_load(&timers) > 0 || self_blocked_can_run())
        return false;
    int threads = kernel_threads();
    int known = (int)tasks_of(w) - atomic_load(&coroutines) + atomic_load(&internal);
    if (threads < known || threads > known + SANITIZER_THREADS)
        return false;
    return !self_blocked_can_run() && atomic_load(&state) == w;
}

/* A site, or for an interposed call (site NULL) its return address: what
 * the dynamic symbol table can tell. */
static void print_site(const knot_site *site, const void *return_address) {
    Dl_info info;
    if (!site && return_address && dladdr(return_address, &info) && info.dli_fname)
        fprintf(stderr, "%s+0x%lx in %s()", info.dli_fname,
                (unsigned long)((const char *)return_address - (const char *)info.dli_fbase),
                info.dli_sname ? info.dli_sname : "?");
    else
        knot__fprint_site(stderr, site);
    fputc('\n', stderr);
}

static void print_task(knot__task *t, void *ctx) {
    (void)ctx;
    const char *op = atomic_load_explicit(&t->block_op, memory_order_relaxed);
    fprintf(stderr, "\ntask %llu [%s]:\n\t", (unsigned long long)t->id, op ? op : "running");
    print_site(atomic_load_explicit(&t->block_site, memory_order_relaxed), t->block_return_address);
    if (t->id != 1 && !t->foreign) {
        fprintf(stderr, "created by task %llu at ", (unsigned long long)t->parent_id);
        print_site(t->spawn_return_address ? NULL : t->spawn_site, t->spawn_return_address);
    }
}

static void report(void) {
    (void)KNOT__TRACE(KNOT__EV_DEADLOCK, KNOT__POINT, NULL, 0, NULL, NULL, 0, 0);
    fputs("fatal error: all tasks are asleep - deadlock!\n", stderr);
    knot__tasks_foreach(print_task, NULL);
    knot__die(2);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void *watchdog_main(void *arg) {
    (void)arg;
    for (;;) {
        uint32_t seen = atomic_load_explicit(&kick, memory_order_acquire);
        long backoff = 1;
        while (suspect(atomic_load(&state))) {
            if (confirmed())
                report();
            sleep_ms(backoff);
            if (backoff < 500)
                backoff *= 2;
        }
        knot__futex_wait(&kick, seen);
    }
    return NULL;
}
