/* The scheduler: tasks are coroutines on a few threads. Many tasks at once;
 * a task blocked in a system call never stalls the others, even on one
 * processor; pthread locks held across a channel operation keep their
 * meaning; errno belongs to the task; a stack overflow is reported, not
 * silent. Handshakes go through channels and wait groups; the sleeps only
 * make the interesting interleaving likely, never decide the result. */
#include "../harness.h"

#include <errno.h>
#include <knot/knot.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- many tasks ------------------------------------------------------------- */

enum { MANY = 100000 };

static void send_one(void *ch) {
    int one = 1;
    knot_chan_send(ch, &one);
}

/* 10^5 tasks, each parked on an unbuffered send until main takes its value:
 * far past the kernel's default thread limit (pid_max 32768). */
static void hundred_thousand_tasks(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 0);
    for (int i = 0; i < MANY; i++)
        CHECK_EQ(knot_go(send_one, ch), 0);
    long sum = 0;
    for (int i = 0; i < MANY; i++) {
        int v = 0;
        CHECK(knot_chan_recv(ch, &v));
        sum += v;
    }
    CHECK_EQ(sum, MANY);
    knot_chan_free(ch);
}

static knot_wg tree_wg;
static atomic_long tree_leaves;

/* Tasks that spawn tasks, on every processor at once. */
static void branch(void *depth) {
    intptr_t d = (intptr_t)depth;
    if (d == 0) {
        atomic_fetch_add(&tree_leaves, 1);
    } else {
        knot_wg_add(&tree_wg, 2);
        CHECK_EQ(knot_go(branch, (void *)(d - 1)), 0);
        CHECK_EQ(knot_go(branch, (void *)(d - 1)), 0);
    }
    knot_wg_done(&tree_wg);
}

static void tasks_spawning_tasks(void) {
    knot_wg_add(&tree_wg, 1);
    CHECK_EQ(knot_go(branch, (void *)(intptr_t)14), 0);
    knot_wg_wait(&tree_wg);
    CHECK_EQ(atomic_load(&tree_leaves), 1 << 14);
}

/* ---- blocking outside knot --------------------------------------------------- */

static int pipe_fds[2];
static knot_chan *read_done;

static void read_pipe(void *arg) {
    (void)arg;
    char c = 0;
    CHECK_EQ(read(pipe_fds[0], &c, 1), 1); /* blocks its thread, not the program */
    knot_chan_send(read_done, &c);
}

static void write_pipe(void *arg) {
    (void)arg;
    CHECK_EQ(write(pipe_fds[1], "k", 1), 1);
}

/* One processor; the reader holds it, blocked in read(2), when the writer
 * is spawned: only a processor taken back from the reader runs the writer. */
static void read_blocks_only_its_task(void) {
    CHECK_EQ(setenv("KNOT_PROCS", "1", 1), 0);
    CHECK_EQ(pipe(pipe_fds), 0);
    read_done = knot_chan_make(1, 0);
    CHECK_EQ(knot_go(read_pipe, NULL), 0);
    knot_sleep(20); /* the reader runs and blocks */
    CHECK_EQ(knot_go(write_pipe, NULL), 0);
    char c = 0;
    CHECK(knot_chan_recv(read_done, &c));
    CHECK_EQ(c, 'k');
}

static atomic_int spin_flag;

static void set_flag(void *arg) {
    (void)arg;
    atomic_store(&spin_flag, 1);
}

/* One processor, and main spins (no knot call, no system call) until a task
 * it spawned has run: the monitor must take the processor from main. */
static void busy_task_does_not_starve_others(void) {
    CHECK_EQ(setenv("KNOT_PROCS", "1", 1), 0);
    CHECK_EQ(knot_go(set_flag, NULL), 0);
    while (!atomic_load(&spin_flag))
        ;
}

/* ---- pthread locks inside tasks ---------------------------------------------- */

static pthread_mutex_t checked_mu, recursive_mu;
static knot_chan *release_locks;
static knot_wg lock_wg;
static atomic_int contended_done;

static void hold_locks_across_receive(void *arg) {
    (void)arg;
    CHECK_EQ(pthread_mutex_lock(&checked_mu), 0);
    CHECK_EQ(pthread_mutex_lock(&recursive_mu), 0);
    CHECK_EQ(pthread_mutex_lock(&recursive_mu), 0);
    pthread_t self = pthread_self();
    int v = 0;
    CHECK(knot_chan_recv(release_locks, &v)); /* blocks holding both */
    CHECK(pthread_equal(self, pthread_self()));
    /* Error-checking: a second lock is refused, not a deadlock. */
    CHECK_EQ(pthread_mutex_lock(&checked_mu), EDEADLK);
    CHECK_EQ(pthread_mutex_unlock(&recursive_mu), 0);
    CHECK_EQ(pthread_mutex_unlock(&recursive_mu), 0);
    CHECK_EQ(pthread_mutex_unlock(&checked_mu), 0);
    /* ... and an unlock of a mutex it no longer holds is refused too. */
    CHECK_EQ(pthread_mutex_unlock(&checked_mu), EPERM);
    knot_wg_done(&lock_wg);
}

static void contend(void *arg) {
    (void)arg;
    CHECK_EQ(pthread_mutex_lock(&checked_mu), 0);
    CHECK_EQ(pthread_mutex_lock(&recursive_mu), 0);
    CHECK_EQ(pthread_mutex_unlock(&recursive_mu), 0);
    CHECK_EQ(pthread_mutex_unlock(&checked_mu), 0);
    atomic_fetch_add(&contended_done, 1);
    knot_wg_done(&lock_wg);
}

static __attribute__((unused)) void locks_held_across_channel_receive(void) {
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&checked_mu, &a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&recursive_mu, &a);
    pthread_mutexattr_destroy(&a);
    release_locks = knot_chan_make(sizeof(int), 0);
    enum { CONTENDERS = 4 };
    knot_wg_add(&lock_wg, 1 + CONTENDERS);
    CHECK_EQ(knot_go(hold_locks_across_receive, NULL), 0);
    knot_sleep(10); /* the holder takes both and parks */
    for (int i = 0; i < CONTENDERS; i++)
        CHECK_EQ(knot_go(contend, NULL), 0);
    knot_sleep(10); /* the contenders block on the mutex */
    CHECK_EQ(atomic_load(&contended_done), 0);
    int go = 1;
    knot_chan_send(release_locks, &go);
    knot_wg_wait(&lock_wg);
    CHECK_EQ(atomic_load(&contended_done), CONTENDERS);
}

static __attribute__((unused)) void locks_held_on_one_processor(void) {
    CHECK_EQ(setenv("KNOT_PROCS", "1", 1), 0);
    locks_held_across_channel_receive();
}

static knot_chan *wired_step;

static void stay_on_thread(void *arg) {
    (void)arg;
    knot_lock_thread();
    pthread_t self = pthread_self();
    for (int i = 0; i < 100; i++) {
        int v = 0;
        CHECK(knot_chan_recv(wired_step, &v));
        CHECK(pthread_equal(self, pthread_self()));
    }
    knot_unlock_thread();
    knot_wg_done(&lock_wg);
}

static void churn(void *arg) {
    (void)arg;
    for (int i = 0; i < 1000; i++)
        knot_sleep(0);
    knot_wg_done(&lock_wg);
}

static void lock_thread_keeps_the_thread(void) {
    wired_step = knot_chan_make(sizeof(int), 0);
    knot_wg_add(&lock_wg, 5);
    CHECK_EQ(knot_go(stay_on_thread, NULL), 0);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(knot_go(churn, NULL), 0);
    for (int i = 0; i < 100; i++)
        knot_chan_send(wired_step, &i);
    knot_wg_wait(&lock_wg);
}

/* ---- errno ------------------------------------------------------------------- */

static knot_chan *errno_gate;

static void keep_errno(void *arg) {
    int mine = (int)(intptr_t)arg;
    errno = mine;
    int v = 0;
    CHECK(knot_chan_recv(errno_gate, &v)); /* others run, and set theirs, meanwhile */
    CHECK_EQ(errno, mine);
    knot_wg_done(&lock_wg);
}

static void errno_belongs_to_the_task(void) {
    enum { N = 64 };
    errno_gate = knot_chan_make(sizeof(int), 0);
    knot_wg_add(&lock_wg, N);
    for (int i = 0; i < N; i++)
        CHECK_EQ(knot_go(keep_errno, (void *)(intptr_t)(1000 + i)), 0);
    errno = 7;
    for (int i = 0; i < N; i++)
        knot_chan_send(errno_gate, &i);
    knot_wg_wait(&lock_wg);
    CHECK_EQ(errno, 7);
}

/* ---- stacks ------------------------------------------------------------------ */

static __attribute__((noinline)) long deep(long n) {
    volatile char frame[512];
    frame[0] = (char)n;
    return n <= 0 ? 0 : deep(n - 1) + frame[0];
}

static void recurse_forever(void *arg) {
    (void)arg;
    (void)deep(1L << 30);
}

static void stack_overflow_is_reported(void) {
    knot_chan *never = knot_chan_make(1, 0);
    CHECK_EQ(knot_go(recurse_forever, NULL), 0); /* OVERFLOW_SPAWN */
    knot_chan_recv(never, NULL);
}

#ifndef KNOT_TEST_SANITIZED
/* The field'th number (from 0) in a /proc file's first line; 0 if none. */
static long proc_number(const char *path, int field) {
    char line[128] = "";
    FILE *f = fopen(path, "r");
    if (f) {
        if (!fgets(line, sizeof line, f))
            line[0] = '\0';
        fclose(f);
    }
    char *at = line;
    long n = 0;
    for (int i = 0; i <= field; i++)
        n = strtol(at, &at, 10);
    return n;
}

/* Past the guarded stacks' budget (a quarter of vm.max_map_count), stacks
 * are packed in slabs with a canary between neighbours: an overflow there is
 * reported the same way, when the task switches out or ends. */
static void recv_forever(void *gate) { knot_chan_recv(gate, NULL); }

static void run_past_guarded_stacks(void (*fn)(void *)) {
    long n = proc_number("/proc/sys/vm/max_map_count", 0);
    long parked = (n > 0 ? n : 65530) / 4 + 64; /* and a batch: the guarded ones run out */
    knot_chan *gate = knot_chan_make(1, 0);
    for (long i = 0; i < parked; i++)
        CHECK_EQ(knot_go(recv_forever, gate), 0);
    CHECK_EQ(knot_go(fn, NULL), 0); /* PACKED_SPAWN */
    knot_chan_recv(gate, NULL);
}

/* A local buffer bigger than the stack, filled: the classic overflow. It
 * reaches 16 KiB into the neighbour's 64 KiB, not past it, and ends. */
static __attribute__((noinline)) void big_frame(void) {
    volatile char buf[80 << 10];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = 1;
}

static void overflow_a_little(void *arg) {
    (void)arg;
    big_frame();
}

static void packed_stack_overflow_is_reported(void) { run_past_guarded_stacks(overflow_a_little); }

/* Frames that write one byte each may step over the canary's word; a task
 * that parks while below its stack is caught at that switch. */
static __attribute__((noinline)) long deep_then_park(long n) {
    volatile char frame[512];
    frame[0] = (char)n;
    if (n <= 0) {
        knot_sleep(1);
        return 0;
    }
    return deep_then_park(n - 1) + frame[0];
}

static void overflow_sparsely(void *arg) {
    (void)arg;
    (void)deep_then_park(160);
}

static void sparse_overflow_is_reported(void) { run_past_guarded_stacks(overflow_sparsely); }
#endif

static knot_chan *deep_done;

static void recurse_deep(void *arg) {
    long r = deep((long)(intptr_t)arg);
    knot_chan_send(deep_done, &r);
}

/* 2 MiB of frames: far past the default stack, within this task's own. */
static void bigger_stack_for_one_task(void) {
    deep_done = knot_chan_make(sizeof(long), 0);
    CHECK_EQ(knot_go_stack(recurse_deep, (void *)(intptr_t)4000, (size_t)8 << 20), 0);
    long r = 0;
    CHECK(knot_chan_recv(deep_done, &r));
    CHECK(r != 0);
}

static void stack_size_from_environment(void) {
    CHECK_EQ(setenv("KNOT_STACK", "8M", 1), 0);
    deep_done = knot_chan_make(sizeof(long), 0);
    CHECK_EQ(knot_go(recurse_deep, (void *)(intptr_t)4000), 0);
    long r = 0;
    CHECK(knot_chan_recv(deep_done, &r));
    CHECK(r != 0);
}

static void done(void *wg) { knot_wg_done(wg); }

/* Stacks come back for reuse: many short-lived tasks in sequence need only a
 * few stacks, and never run out. */
static void stacks_are_reused(void) {
    for (int round = 0; round < 200; round++) {
        knot_wg wg = {0};
        knot_wg_add(&wg, 100);
        for (int i = 0; i < 100; i++)
            CHECK_EQ(knot_go(done, &wg), 0);
        knot_wg_wait(&wg);
    }
}

/* A sanitizer's shadow of the stacks stays resident whatever knot does. */
#ifndef KNOT_TEST_SANITIZED
/* ...and their memory goes back to the system once they sit unused: 2000
 * tasks that each fill 48 KiB of stack, then end; within seconds of the
 * program going idle, the resident memory they took is (nearly) all gone. */
enum { FILLERS = 2000, FILL = 48 << 10 };

static long resident_kib(void) {
    return proc_number("/proc/self/statm", 1) * (sysconf(_SC_PAGESIZE) / 1024);
}

static knot_chan *fill_gate;
static knot_wg filled, fillers_done;

static void fill_stack(void *arg) {
    (void)arg;
    volatile char buf[FILL];
    for (size_t i = 0; i < sizeof buf; i += 512)
        buf[i] = 1;
    knot_wg_done(&filled);
    knot_chan_recv(fill_gate, NULL); /* all at once: no stack reused meanwhile */
    knot_wg_done(&fillers_done);
}

static void stack_memory_is_given_back(void) {
    long before = resident_kib();
    fill_gate = knot_chan_make(0, 0);
    knot_wg_add(&filled, FILLERS);
    knot_wg_add(&fillers_done, FILLERS);
    for (int i = 0; i < FILLERS; i++)
        CHECK_EQ(knot_go(fill_stack, NULL), 0);
    knot_wg_wait(&filled);
    long peak = resident_kib();
    CHECK(peak - before > (long)FILLERS * (FILL / 1024) / 2); /* the test measures something */
    knot_chan_close(fill_gate);
    knot_wg_wait(&fillers_done);
    knot_chan_free(fill_gate);
    long now = peak;
    for (int i = 0; i < 1000 && now - before > (peak - before) / 8; i++) {
        knot_sleep(10); /* ms, parked: the processors go idle */
        now = resident_kib();
    }
    CHECK(now - before <= (peak - before) / 8);
}
#endif

static const test_case cases[] = {
    CASE(hundred_thousand_tasks),
    CASE(tasks_spawning_tasks),
    CASE(read_blocks_only_its_task),
    CASE(busy_task_does_not_starve_others),
/* The sanitizer builds of the runtime leave pthread calls to the sanitizer,
 * so nothing there wires a task that holds a lock to its thread. */
#ifndef KNOT_TEST_SANITIZED
    CASE(locks_held_across_channel_receive),
    CASE(locks_held_on_one_processor),
#endif
    CASE(lock_thread_keeps_the_thread),
    CASE(errno_belongs_to_the_task),
    CASE_FAILS(
        stack_overflow_is_reported, 2,
        "fatal error: stack overflow in task 2 (spawned at |test-sched.c:{L:OVERFLOW_SPAWN})|"
        "KNOT_STACK"),
/* AddressSanitizer sees the write into the neighbour's frames first. */
#ifndef KNOT_TEST_SANITIZED
    CASE_FAILS(packed_stack_overflow_is_reported, 2,
               "fatal error: stack overflow in task |(spawned at "
               "|test-sched.c:{L:PACKED_SPAWN})|KNOT_STACK"),
    CASE_FAILS(sparse_overflow_is_reported, 2,
               "fatal error: stack overflow in task |(spawned at "
               "|test-sched.c:{L:PACKED_SPAWN})|KNOT_STACK"),
#endif
    CASE(bigger_stack_for_one_task),
    CASE(stack_size_from_environment),
    CASE(stacks_are_reused),
#ifndef KNOT_TEST_SANITIZED
    CASE(stack_memory_is_given_back),
#endif
};

TEST_MAIN(cases)
