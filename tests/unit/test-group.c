/* knot_group (errgroup): the first non-zero result, cancellation through the
 * done channel, and the parallelism limit. Where several tasks fail, the
 * order is forced: a later failure happens only after done is closed, which
 * the runtime does only once the first error is recorded. */
#include "../harness.h"

#include <knot/knot.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

/* ---- results -------------------------------------------------------------------- */

enum { TASKS = 32 };

static atomic_int ran[TASKS];

static int mark_ran(void *arg, knot_chan *done) {
    (void)done;
    atomic_fetch_add(&ran[(intptr_t)arg], 1);
    return 0;
}

static void check_each_ran_once(void) {
    for (int i = 0; i < TASKS; i++)
        CHECK_EQ(atomic_load(&ran[i]), 1);
}

static void all_succeed_returns_zero(void) {
    knot_group *g = knot_group_make(0);
    CHECK(g != NULL);
    for (intptr_t i = 0; i < TASKS; i++)
        knot_group_go(g, mark_ran, (void *)i);
    CHECK_EQ(knot_group_wait(g), 0);
    check_each_ran_once();
}

static void empty_group_returns_zero(void) {
    CHECK_EQ(knot_group_wait(knot_group_make(0)), 0);
    CHECK_EQ(knot_group_wait(knot_group_make(3)), 0);
}

static int fail_if_13(void *arg, knot_chan *done) {
    mark_ran(arg, done);
    return (intptr_t)arg == 13 ? 13 : 0;
}

static void one_failure_is_the_result(void) {
    knot_group *g = knot_group_make(0);
    for (intptr_t i = 0; i < TASKS; i++)
        knot_group_go(g, fail_if_13, (void *)i);
    CHECK_EQ(knot_group_wait(g), 13);
    check_each_ran_once(); /* an error cancels nobody by force */
}

static int fail_negative(void *arg, knot_chan *done) {
    (void)arg;
    (void)done;
    return -5;
}

static void negative_result_counts_as_failure(void) {
    knot_group *g = knot_group_make(0);
    knot_group_go(g, fail_negative, NULL);
    CHECK_EQ(knot_group_wait(g), -5);
}

static int fail_3(void *arg, knot_chan *done) {
    (void)arg;
    (void)done;
    return 3;
}

static int fail_5_after_done(void *arg, knot_chan *done) {
    (void)arg;
    CHECK(!knot_chan_recv(done, NULL));
    return 5;
}

/* Later failures, started first, only fail once done is closed: 3 wins. */
static void first_failure_wins(void) {
    knot_group *g = knot_group_make(0);
    for (int i = 0; i < 4; i++)
        knot_group_go(g, fail_5_after_done, NULL);
    knot_group_go(g, fail_3, NULL);
    CHECK_EQ(knot_group_wait(g), 3);
}

/* ---- done --------------------------------------------------------------------- */

static atomic_int woke_closed;

static int watch_with_recv(void *arg, knot_chan *done) {
    (void)arg;
    if (!knot_chan_recv(done, NULL))
        atomic_fetch_add(&woke_closed, 1);
    return 0;
}

static int watch_with_select(void *never, knot_chan *done) {
    knot_case c[] = {KNOT_CASE_RECV(never, NULL), KNOT_CASE_RECV(done, NULL)};
    if (knot_select(c, 2) == 1 && !c[1].ok)
        atomic_fetch_add(&woke_closed, 1);
    return 0;
}

static int fail_9_later(void *arg, knot_chan *done) {
    (void)arg;
    (void)done;
    knot_sleep(20); /* let the watchers park; one that has not sees done closed all the same */
    return 9;
}

static void done_closes_on_first_failure(void) {
    knot_chan *never = knot_chan_make(0, 0);
    knot_group *g = knot_group_make(0);
    for (int i = 0; i < 3; i++) {
        knot_group_go(g, watch_with_recv, NULL);
        knot_group_go(g, watch_with_select, never);
    }
    knot_group_go(g, fail_9_later, NULL);
    CHECK_EQ(knot_group_wait(g), 9);
    CHECK_EQ(atomic_load(&woke_closed), 6);
    knot_chan_free(never);
}

static atomic_int stopped_early;

/* Work in small steps, checking done between them: without cancellation this
 * never ends (and the case would time out). */
static int work_until_cancelled(void *arg, knot_chan *done) {
    (void)arg;
    for (;;) {
        knot_case c = KNOT_CASE_RECV(done, NULL);
        if (knot_select_nb(&c, 1) == 0) {
            CHECK(!c.ok);
            atomic_fetch_add(&stopped_early, 1);
            return 0;
        }
        knot_sleep(1); /* one unit of work */
    }
}

static void watchers_stop_early_on_failure(void) {
    knot_group *g = knot_group_make(0);
    for (int i = 0; i < 5; i++)
        knot_group_go(g, work_until_cancelled, NULL);
    knot_group_go(g, fail_3, NULL);
    CHECK_EQ(knot_group_wait(g), 3);
    CHECK_EQ(atomic_load(&stopped_early), 5);
}

static atomic_int saw_open;

static int check_done_open(void *arg, knot_chan *done) {
    (void)arg;
    knot_sleep(20); /* give the successes around it a chance to (wrongly) close done */
    knot_case c = KNOT_CASE_RECV(done, NULL);
    if (knot_select_nb(&c, 1) == -1)
        atomic_fetch_add(&saw_open, 1);
    return 0;
}

static void done_stays_open_without_failure(void) {
    knot_group *g = knot_group_make(0);
    for (intptr_t i = 0; i < TASKS; i++)
        knot_group_go(g, mark_ran, (void *)i);
    for (int i = 0; i < 4; i++)
        knot_group_go(g, check_done_open, NULL);
    CHECK_EQ(knot_group_wait(g), 0);
    CHECK_EQ(atomic_load(&saw_open), 4);
}

static knot_chan *second_may_check;

static int check_after_other_group_failed(void *arg, knot_chan *done) {
    (void)arg;
    CHECK(knot_chan_recv(second_may_check, NULL));
    knot_case c = KNOT_CASE_RECV(done, NULL);
    CHECK_EQ(knot_select_nb(&c, 1), -1);
    return 0;
}

/* Each group has its own done: a failure in one cancels nothing in another. */
static void groups_are_independent(void) {
    second_may_check = knot_chan_make(0, 0);
    knot_group *a = knot_group_make(0);
    knot_group *b = knot_group_make(0);
    knot_group_go(b, check_after_other_group_failed, NULL);
    knot_group_go(a, fail_3, NULL);
    CHECK_EQ(knot_group_wait(a), 3);
    knot_chan_send(second_may_check, NULL);
    CHECK_EQ(knot_group_wait(b), 0);
    knot_chan_free(second_may_check);
}

/* ---- limit ---------------------------------------------------------------------- */

static atomic_int running, max_running, total_runs, crowded;

static int track_parallelism(void *limit, knot_chan *done) {
    (void)done;
    int now = atomic_fetch_add(&running, 1) + 1;
    int max = atomic_load(&max_running);
    while (now > max && !atomic_compare_exchange_weak(&max_running, &max, now))
        ;
    if (now > (int)(intptr_t)limit)
        atomic_fetch_add(&crowded, 1);
    knot_sleep(1); /* stay a while, so that tasks overlap if they may */
    atomic_fetch_add(&total_runs, 1);
    atomic_fetch_sub(&running, 1);
    return 0;
}

static void run_limited(int limit, int n) {
    knot_group *g = knot_group_make(limit);
    for (int i = 0; i < n; i++)
        knot_group_go(g, track_parallelism, (void *)(intptr_t)limit);
    CHECK_EQ(knot_group_wait(g), 0);
    CHECK_EQ(atomic_load(&total_runs), n);
    CHECK_EQ(atomic_load(&crowded), 0);
    CHECK(atomic_load(&max_running) >= 1);
    CHECK(atomic_load(&max_running) <= limit);
}

static void limit_bounds_parallelism(void) { run_limited(4, 50); }

static void limit_one_runs_one_at_a_time(void) { run_limited(1, 20); }

static knot_chan *first_gate;
static atomic_int second_started;

static int hold_slot(void *arg, knot_chan *done) {
    (void)arg;
    (void)done;
    CHECK(knot_chan_recv(first_gate, NULL));
    return 0;
}

static int note_start(void *arg, knot_chan *done) {
    (void)arg;
    (void)done;
    atomic_store(&second_started, 1);
    return 0;
}

static void open_gate_later(void *arg) {
    (void)arg;
    knot_sleep(20); /* give a second task every chance to (wrongly) start */
    CHECK_EQ(atomic_load(&second_started), 0);
    knot_chan_send(first_gate, NULL);
}

/* With the only slot taken, knot_group_go itself waits. */
static void go_blocks_at_limit(void) {
    first_gate = knot_chan_make(0, 0);
    knot_group *g = knot_group_make(1);
    knot_group_go(g, hold_slot, NULL);
    CHECK_EQ(knot_go(open_gate_later, NULL), 0);
    knot_group_go(g, note_start, NULL);
    CHECK_EQ(knot_group_wait(g), 0);
    CHECK_EQ(atomic_load(&second_started), 1);
    knot_chan_free(first_gate);
}

static int fail_6(void *arg, knot_chan *done) {
    (void)arg;
    (void)done;
    return 6;
}

/* A failed task gives its slot back like any other. */
static void failures_release_their_slots(void) {
    knot_group *g = knot_group_make(2);
    for (int i = 0; i < 10; i++)
        knot_group_go(g, fail_6, NULL);
    CHECK_EQ(knot_group_wait(g), 6);
}

enum { BARRIER = 10 };

static knot_wg barrier;

/* Returns only once all BARRIER tasks have started: a limit below that
 * would deadlock. */
static int meet_all(void *arg, knot_chan *done) {
    (void)arg;
    (void)done;
    knot_wg_done(&barrier);
    knot_wg_wait(&barrier);
    return 0;
}

static void run_barrier(int limit) {
    knot_wg_add(&barrier, BARRIER);
    knot_group *g = knot_group_make(limit);
    for (int i = 0; i < BARRIER; i++)
        knot_group_go(g, meet_all, NULL);
    CHECK_EQ(knot_group_wait(g), 0);
}

static void limit_zero_is_unlimited(void) { run_barrier(0); }
static void limit_negative_is_unlimited(void) { run_barrier(-1); }

/* ---- misuse ends in the usual reports --------------------------------------------- */

static int block_forever(void *arg, knot_chan *done) {
    (void)arg;
    (void)done;
    (void)knot_chan_recv(NULL, NULL); /* MEMBER_BLOCKS */
    return 0;
}

static void wait_on_stuck_member_is_deadlock(void) {
    knot_group *g = knot_group_make(0);
    knot_group_go(g, block_forever, NULL); /* GO_STUCK */
    (void)knot_group_wait(g);              /* GROUP_WAIT */
}

static void go_past_limit_with_stuck_member_is_deadlock(void) {
    knot_group *g = knot_group_make(1);
    knot_group_go(g, block_forever, NULL);
    knot_group_go(g, fail_3, NULL); /* SECOND_GO */
}

static int close_nil_in_member(void *arg, knot_chan *done) {
    (void)arg;
    (void)done;
    knot_chan_close(NULL); /* MEMBER_PANICS */
    return 0;
}

static void panic_in_member_names_go_site(void) {
    knot_group *g = knot_group_make(0);
    knot_group_go(g, close_nil_in_member, NULL); /* GO_PANICKER */
    (void)knot_group_wait(g);
}

/* ---- the seed's worker pool --------------------------------------------------------- */

enum { WORKERS = 3, NFILES = 6, CANCELLED = -1 };

static const char *const files[NFILES] = {"file1", "file2", "file3", "file4", "file5", "file6"};

struct pool {
    knot_chan *work; /* chan const char *, unbuffered */
    knot_chan *read; /* chan const char *: names read, room for all */
};

/* file1 reads at once, file2 fails at once; any later file is a slow read
 * that only ends when cancelled. So the outcome does not depend on
 * scheduling: file1 is read, file2's error wins, nothing else completes. */
static int read_file(const char *name, knot_chan *done) {
    if (strcmp(name, "file1") == 0)
        return 0;
    if (strcmp(name, "file2") == 0)
        return 2;
    CHECK(!knot_chan_recv(done, NULL));
    return CANCELLED;
}

static int pool_worker(void *arg, knot_chan *done) {
    const struct pool *p = arg;
    for (;;) {
        const char *name = NULL;
        knot_case c[] = {KNOT_CASE_RECV(p->work, &name), KNOT_CASE_RECV(done, NULL)};
        if (knot_select(c, 2) == 1)
            return CANCELLED;
        if (!c[0].ok)
            return 0;
        int err = read_file(name, done);
        if (err != 0)
            return err;
        knot_chan_send(p->read, &name);
    }
}

/* Hand out names until done closes; returns how many were taken. */
static int produce(knot_chan *work, knot_chan *done) {
    for (int i = 0; i < NFILES; i++) {
        knot_case c[] = {KNOT_CASE_SEND(work, &files[i]), KNOT_CASE_RECV(done, NULL)};
        if (knot_select(c, 2) == 1)
            return i;
    }
    return NFILES;
}

static void worker_pool_first_error_stops_producer(void) {
    struct pool p = {knot_chan_make(sizeof(const char *), 0),
                     knot_chan_make(sizeof(const char *), NFILES)};
    knot_group *g = knot_group_make(WORKERS);
    for (int i = 0; i < WORKERS; i++)
        knot_group_go(g, pool_worker, &p);
    int sent = produce(p.work, knot_group_done(g));
    knot_chan_close(p.work);
    CHECK_EQ(knot_group_wait(g), 2);
    /* file1 and file2 were taken (file2 failed); at most two more, by the
     * two workers left, which then hang until cancelled: the producer saw
     * done before the end of the list. */
    CHECK(sent >= 2);
    CHECK(sent <= 4);
    CHECK_EQ(knot_chan_len(p.read), 1);
    const char *got = NULL;
    CHECK(knot_chan_recv(p.read, &got));
    CHECK(strcmp(got, "file1") == 0);
    knot_chan_free(p.work);
    knot_chan_free(p.read);
}

static const test_case cases[] = {
    CASE(all_succeed_returns_zero),
    CASE(empty_group_returns_zero),
    CASE(one_failure_is_the_result),
    CASE(negative_result_counts_as_failure),
    CASE(first_failure_wins),
    CASE(done_closes_on_first_failure),
    CASE(watchers_stop_early_on_failure),
    CASE(done_stays_open_without_failure),
    CASE(groups_are_independent),
    CASE(limit_bounds_parallelism),
    CASE(limit_one_runs_one_at_a_time),
    CASE(go_blocks_at_limit),
    CASE(failures_release_their_slots),
    CASE(limit_zero_is_unlimited),
    CASE(limit_negative_is_unlimited),
    CASE_FAILS(
        wait_on_stuck_member_is_deadlock, 2,
        "fatal error: all tasks are asleep - deadlock!|"
        "task 1 [wait group wait]|test-group.c:{L:GROUP_WAIT} in "
        "wait_on_stuck_member_is_deadlock()|"
        "task 2 [chan receive (nil chan)]|test-group.c:{L:MEMBER_BLOCKS} in block_forever()|"
        "created by task 1 at /|/test-group.c:{L:GO_STUCK} in wait_on_stuck_member_is_deadlock()"),
    CASE_FAILS(go_past_limit_with_stuck_member_is_deadlock, 2,
               "fatal error: all tasks are asleep - deadlock!|"
               "task 1 [chan send]|test-group.c:{L:SECOND_GO} in "
               "go_past_limit_with_stuck_member_is_deadlock()"),
    CASE_FAILS(
        panic_in_member_names_go_site, 2,
        "panic: close of nil channel|task 2 [running]|"
        "test-group.c:{L:MEMBER_PANICS} in close_nil_in_member()|"
        "created by task 1 at /|/test-group.c:{L:GO_PANICKER} in panic_in_member_names_go_site()"),
    CASE(worker_pool_first_error_stops_producer),
};

TEST_MAIN(cases)
