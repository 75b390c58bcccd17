/* Tasks: knot_go hands fn its argument, knot_go_copy a private copy made
 * before it returns; ids; a panic inside a task names the task and where it
 * was spawned; tasks do not keep the process alive once main returns;
 * pthread_exit ends a task, not its thread. Every handshake goes through a
 * channel or a wait group, never through timing. */
#include "../harness.h"

#include <errno.h>
#include <knot/knot.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- knot_go ---------------------------------------------------------------- */

static knot_chan *seen_args; /* chan void *: the argument each task received */

static void echo_arg(void *arg) { knot_chan_send(seen_args, &arg); }

static void go_passes_arg_through(void) {
    seen_args = knot_chan_make(sizeof(void *), 0);
    int x = 5;
    void *got = NULL;
    CHECK_EQ(knot_go(echo_arg, &x), 0);
    CHECK(knot_chan_recv(seen_args, &got));
    CHECK(got == &x);
    /* NULL is a value like any other: it must arrive as NULL. */
    CHECK_EQ(knot_go(echo_arg, NULL), 0);
    CHECK(knot_chan_recv(seen_args, &got));
    CHECK(got == NULL);
    knot_chan_free(seen_args);
}

static void nop(void *arg) { (void)arg; }

static void go_null_fn_is_einval(void) {
    int x = 1;
    CHECK_EQ(knot_go(NULL, &x), EINVAL);
    CHECK_EQ(knot_go_copy(NULL, &x, sizeof x), EINVAL);
    CHECK_EQ((knot_go)(NULL, &x), EINVAL);
    CHECK_EQ((knot_go_copy)(NULL, &x, sizeof x), EINVAL);
}

/* The plain functions (no site macro) start tasks too. */
static void plain_functions_work(void) {
    seen_args = knot_chan_make(sizeof(void *), 0);
    int x = 9;
    void *got = NULL;
    CHECK_EQ((knot_go)(echo_arg, &x), 0);
    CHECK(knot_chan_recv(seen_args, &got));
    CHECK(got == &x);
    CHECK_EQ((knot_go_copy)(nop, &x, sizeof x), 0);
    knot_chan_free(seen_args);
}

/* ---- knot_go_copy ----------------------------------------------------------- */

struct snapshot {
    knot_chan *gate; /* the task reads its copy only after main has overwritten the original */
    int number;
    char text[32];
};

struct seen {
    const void *where;
    int number;
    char text[32];
};

static knot_chan *seen_copies; /* chan struct seen */

static void report_copy(void *arg) {
    const struct snapshot *s = arg;
    CHECK(knot_chan_recv(s->gate, NULL));
    struct seen r = {.where = arg, .number = s->number};
    memcpy(r.text, s->text, sizeof r.text);
    knot_chan_send(seen_copies, &r);
}

static void go_copy_is_taken_before_return(void) {
    seen_copies = knot_chan_make(sizeof(struct seen), 0);
    knot_chan *gate = knot_chan_make(0, 0);
    struct snapshot s = {.gate = gate, .number = 42, .text = "before"};
    CHECK_EQ(knot_go_copy(report_copy, &s, sizeof s), 0);
    /* Overwrite every byte; a task still reading the original would see it. */
    memset(&s, 0xA5, sizeof s);
    knot_chan_send(gate, NULL);
    struct seen r;
    CHECK(knot_chan_recv(seen_copies, &r));
    CHECK(r.where != (const void *)&s);
    CHECK_EQ(r.number, 42);
    CHECK(strcmp(r.text, "before") == 0);
    knot_chan_free(gate);
    knot_chan_free(seen_copies);
}

static knot_wg zero_wg;
static atomic_int zero_runs;

static void count_run(void *arg) {
    (void)arg;
    atomic_fetch_add(&zero_runs, 1);
    knot_wg_done(&zero_wg);
}

/* Zero bytes to copy: the task still runs, whether arg is NULL or not. */
static void go_copy_size_zero(void) {
    int x = 3;
    knot_wg_add(&zero_wg, 2);
    CHECK_EQ(knot_go_copy(count_run, &x, 0), 0);
    CHECK_EQ(knot_go_copy(count_run, NULL, 0), 0);
    knot_wg_wait(&zero_wg);
    CHECK_EQ(atomic_load(&zero_runs), 2);
}

/* ---- many tasks ------------------------------------------------------------- */

enum { MANY = 200 };

static knot_wg many_wg;
static atomic_int runs_of[MANY];
static atomic_int total_runs;

static void run_once(void *arg) {
    int i = *(const int *)arg; /* the loop variable, copied at spawn */
    atomic_fetch_add(&runs_of[i], 1);
    atomic_fetch_add(&total_runs, 1);
    knot_wg_done(&many_wg);
}

static void many_tasks_each_run_exactly_once(void) {
    knot_wg_add(&many_wg, MANY);
    for (int i = 0; i < MANY; i++)
        CHECK_EQ(knot_go_copy(run_once, &i, sizeof i), 0);
    knot_wg_wait(&many_wg);
    CHECK_EQ(atomic_load(&total_runs), MANY);
    for (int i = 0; i < MANY; i++)
        CHECK_EQ(atomic_load(&runs_of[i]), 1);
}

/* ---- ids ---------------------------------------------------------------------- */

static void main_is_task_1(void) {
    CHECK_EQ(knot_task_id(), 1);
    CHECK_EQ(knot_task_id(), 1);
}

static void send_own_id(void *ch) {
    uint64_t id = knot_task_id();
    CHECK_EQ(knot_task_id(), id); /* stable within the task */
    knot_chan_send(ch, &id);
}

enum { IDS = 20 };

/* Spawned one after another, so their ids follow spawn order. */
static void spawned_ids_are_distinct_and_ordered(void) {
    knot_chan *ch[IDS];
    for (int i = 0; i < IDS; i++) {
        ch[i] = knot_chan_make(sizeof(uint64_t), 1);
        CHECK_EQ(knot_go(send_own_id, ch[i]), 0);
    }
    uint64_t prev = 1;
    for (int i = 0; i < IDS; i++) {
        uint64_t id = 0;
        CHECK(knot_chan_recv(ch[i], &id));
        CHECK(id > prev); /* > 1 for the first, then increasing: hence distinct */
        prev = id;
        knot_chan_free(ch[i]);
    }
    CHECK_EQ(knot_task_id(), 1); /* spawning does not change main's id */
}

static void spawn_grandchild(void *ch) {
    uint64_t mine = knot_task_id();
    knot_chan_send(ch, &mine);
    CHECK_EQ(knot_go(send_own_id, ch), 0);
}

static void task_spawned_by_task_has_new_id(void) {
    knot_chan *ch = knot_chan_make(sizeof(uint64_t), 0);
    CHECK_EQ(knot_go(spawn_grandchild, ch), 0);
    uint64_t child = 0, grandchild = 0;
    CHECK(knot_chan_recv(ch, &child));
    CHECK(knot_chan_recv(ch, &grandchild));
    CHECK(child > 1);
    CHECK(grandchild > child);
    knot_chan_free(ch);
}

/* ---- panics inside tasks ---------------------------------------------------- */

static void close_nil(void *arg) {
    (void)arg;
    knot_chan_close(NULL); /* TASK_PANIC */
    puts("close of nil returned");
}

static void panic_in_task_names_task_and_spawn_site(void) {
    CHECK_EQ(knot_go(close_nil, NULL), 0); /* SPAWN_PANICKER */
    /* Block forever without a timer: the task's panic must end the process.
     * While it runs this is no deadlock. */
    knot_select(NULL, 0);
}

static void spawn_panicker(void *arg) {
    (void)arg;
    CHECK_EQ(knot_go(close_nil, NULL), 0); /* SPAWN_NESTED */
    knot_select(NULL, 0);
}

static void panic_in_grandchild_names_its_parent(void) {
    CHECK_EQ(knot_go(spawn_panicker, NULL), 0);
    knot_select(NULL, 0);
}

/* ---- lifetime ----------------------------------------------------------------- */

static atomic_int stop_spinning; /* never set: the spinner runs until the process ends */

static void block_on_recv(void *ch) {
    (void)knot_chan_recv(ch, NULL);
    puts("blocked receive returned");
}

static void spin(void *arg) {
    (void)arg;
    while (!atomic_load_explicit(&stop_spinning, memory_order_relaxed))
        ;
}

/* As in Go, returning from main ends the process whatever the tasks do:
 * two are blocked on a channel nobody sends on, one never stops running. */
static void main_return_ends_live_tasks(void) {
    knot_chan *ch = knot_chan_make(0, 0);
    CHECK_EQ(knot_go(block_on_recv, ch), 0);
    CHECK_EQ(knot_go(block_on_recv, ch), 0);
    CHECK_EQ(knot_go(spin, NULL), 0);
    knot_sleep(10); /* let them park; if they have not, nothing changes */
    puts("main returning");
}

static knot_wg never_done;

static void wait_forever_for_recv(void *ch) {
    (void)knot_chan_recv(ch, NULL); /* TASK_BLOCKED */
    knot_wg_done(&never_done);
}

/* The opposite: main does not return but waits, and the only other task is
 * blocked too. Nobody can ever run again, which is Go's fatal deadlock. */
static void all_tasks_blocked_is_deadlock(void) {
    knot_chan *ch = knot_chan_make(0, 0);
    knot_wg_add(&never_done, 1);
    CHECK_EQ(knot_go(wait_forever_for_recv, ch), 0); /* SPAWN_BLOCKED */
    knot_wg_wait(&never_done);                       /* MAIN_BLOCKED */
    puts("wait returned");
}

/* ---- pthread_exit inside a task ----------------------------------------------
 *
 * Not in the sanitizer builds: their runtime interposes no pthread function
 * (the sanitizers do), so knot never sees the call there. */
#ifndef KNOT_TEST_SANITIZED

static atomic_int after_exit; /* code after pthread_exit ran */

static void exit_from_task(void *ch) {
    long tid = syscall(SYS_gettid);
    knot_chan_send(ch, &tid);
    pthread_exit(NULL);
    atomic_store(&after_exit, 1);
}

static void mark_done(void *wg) { knot_wg_done(wg); }

/* A task's pthread_exit ends the task, as returning would: the scheduler's
 * thread it ran on lives on, running other tasks. (Ending the thread lost it
 * and the processor it held.) */
static void pthread_exit_in_task_ends_the_task(void) {
    knot_chan *ch = knot_chan_make(sizeof(long), 0);
    long tid = 0;
    CHECK_EQ(knot_go(exit_from_task, ch), 0);
    CHECK(knot_chan_recv(ch, &tid));
    /* Plenty of turns for a thread that was ending to be gone. */
    knot_wg wg = {0};
    knot_wg_add(&wg, 200);
    for (int i = 0; i < 200; i++)
        CHECK_EQ(knot_go(mark_done, &wg), 0);
    knot_wg_wait(&wg);
    knot_sleep(20);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%ld", tid);
    CHECK_EQ(access(path, F_OK), 0);
    CHECK_EQ(atomic_load(&after_exit), 0);
    knot_chan_free(ch);
}

static void print_after_a_while(void *arg) {
    knot_sleep(20);
    printf("task %d done\n", *(int *)arg);
}

/* main's pthread_exit leaves the process to its other tasks, and, as POSIX
 * has it for threads, the end of the last one ends the process with status
 * 0. (It used to leave the process running with nothing to run.) */
static void pthread_exit_in_main_waits_for_the_tasks(void) {
    static int one = 1, two = 2;
    CHECK_EQ(knot_go(print_after_a_while, &one), 0);
    CHECK_EQ(knot_go(print_after_a_while, &two), 0);
    pthread_exit(NULL);
}
#endif

static const test_case cases[] = {
    CASE(go_passes_arg_through),
    CASE(go_null_fn_is_einval),
    CASE(plain_functions_work),
    CASE(go_copy_is_taken_before_return),
    CASE(go_copy_size_zero),
    CASE(many_tasks_each_run_exactly_once),
    CASE(main_is_task_1),
    CASE(spawned_ids_are_distinct_and_ordered),
    CASE(task_spawned_by_task_has_new_id),
    CASE_FAILS(panic_in_task_names_task_and_spawn_site, 2,
               "panic: close of nil channel|task 2 [running]|"
               "test-task.c:{L:TASK_PANIC} in close_nil()|"
               "created by task 1 at /|"
               "/test-task.c:{L:SPAWN_PANICKER} in panic_in_task_names_task_and_spawn_site()"),
    CASE_FAILS(panic_in_grandchild_names_its_parent, 2,
               "panic: close of nil channel|task 3 [running]|"
               "test-task.c:{L:TASK_PANIC} in close_nil()|"
               "created by task 2 at /|/test-task.c:{L:SPAWN_NESTED} in spawn_panicker()"),
    CASE_PRINTS(main_return_ends_live_tasks, "main returning"),
#ifndef KNOT_TEST_SANITIZED
    CASE(pthread_exit_in_task_ends_the_task),
    CASE_PRINTS(pthread_exit_in_main_waits_for_the_tasks, "task 1 done|task 2 done"),
#endif
    CASE_FAILS(
        all_tasks_blocked_is_deadlock, 2,
        "fatal error: all tasks are asleep - deadlock!|"
        "task 1 [wait group wait]|"
        "test-task.c:{L:MAIN_BLOCKED} in all_tasks_blocked_is_deadlock()|"
        "task 2 [chan receive]|test-task.c:{L:TASK_BLOCKED} in wait_forever_for_recv()|"
        "created by task 1 at /|/test-task.c:{L:SPAWN_BLOCKED} in all_tasks_blocked_is_deadlock()"),
};

TEST_MAIN(cases)
