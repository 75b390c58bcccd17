/* Wait groups: ready when zeroed, Wait returns only once every Done has
 * happened (workers bump an atomic before Done, so a Wait that returned early
 * would see a short count), all waiters are released, the group can be
 * reused, and misuse ends as Go's does: a panic for a negative counter, the
 * deadlock report for a Wait nobody can finish. */
#include "../harness.h"

#include <knot/knot.h>
#include <stdatomic.h>

static atomic_int finished;

static void work_then_done(void *wg) {
    knot_sleep(2); /* give Wait every chance to (wrongly) return first */
    atomic_fetch_add(&finished, 1);
    knot_wg_done(wg);
}

/* Start n workers on wg, wait, and check that every one had finished. */
static void run_workers(knot_wg *wg, int n) {
    int before = atomic_load(&finished);
    knot_wg_add(wg, n);
    for (int i = 0; i < n; i++)
        CHECK_EQ(knot_go(work_then_done, wg), 0);
    knot_wg_wait(wg);
    CHECK_EQ(atomic_load(&finished), before + n);
}

/* ---- ready when zeroed ------------------------------------------------------ */

static void zero_initialised_local_works(void) {
    knot_wg wg = {0};
    run_workers(&wg, 4);
}

static knot_wg static_wg; /* zeroed by static initialisation */

static void zero_initialised_static_works(void) { run_workers(&static_wg, 4); }

static void wait_at_zero_returns_at_once(void) {
    knot_wg wg = {0};
    knot_wg_wait(&wg);
    knot_wg_wait(&wg); /* and again */
    knot_wg_add(&wg, 3);
    knot_wg_add(&wg, -3);
    knot_wg_wait(&wg);
    knot_wg_add(&wg, 0);
    knot_wg_wait(&wg);
}

/* ---- Wait and Done ------------------------------------------------------------ */

static void wait_returns_after_every_done(void) {
    knot_wg wg = {0};
    run_workers(&wg, 32);
}

enum { WAITERS = 8 };

static knot_wg gate_wg;    /* the group the waiters wait on */
static knot_wg waiters_wg; /* main waits for the waiters to finish */
static atomic_int gate_opened;
static atomic_int released_after_open;

static void wait_on_gate(void *arg) {
    (void)arg;
    knot_wg_wait(&gate_wg);
    if (atomic_load(&gate_opened))
        atomic_fetch_add(&released_after_open, 1);
    knot_wg_done(&waiters_wg);
}

/* Every waiter is released by the last Done, and none before it. */
static void all_waiters_released(void) {
    knot_wg_add(&gate_wg, 1);
    knot_wg_add(&waiters_wg, WAITERS);
    for (int i = 0; i < WAITERS; i++)
        CHECK_EQ(knot_go(wait_on_gate, NULL), 0);
    knot_sleep(10); /* let them park; one that has not yet waits all the same */
    atomic_store(&gate_opened, 1);
    knot_wg_done(&gate_wg);
    knot_wg_wait(&waiters_wg);
    CHECK_EQ(atomic_load(&released_after_open), WAITERS);
}

static void reuse_after_reaching_zero(void) {
    knot_wg wg = {0};
    for (int round = 1; round <= 5; round++)
        run_workers(&wg, round);
}

static void done_twice(void *wg) {
    knot_sleep(2);
    atomic_fetch_add(&finished, 1);
    knot_wg_add(wg, -2); /* a batch Done */
}

/* Add(5), then two workers taking 2 off each and main 1: the counter reaches
 * zero only after both workers, whichever of the three goes last. */
static void add_more_than_one_and_negative_deltas(void) {
    knot_wg wg = {0};
    knot_wg_add(&wg, 5);
    CHECK_EQ(knot_go(done_twice, &wg), 0);
    CHECK_EQ(knot_go(done_twice, &wg), 0);
    knot_wg_add(&wg, -1);
    knot_wg_wait(&wg);
    CHECK_EQ(atomic_load(&finished), 2);
}

/* ---- misuse ------------------------------------------------------------------- */

static void done_at_zero_panics(void) {
    knot_wg wg = {0};
    knot_wg_done(&wg); /* NEG_DONE */
    puts("done returned");
}

static void add_below_zero_panics(void) {
    knot_wg wg = {0};
    knot_wg_add(&wg, 2);
    knot_wg_add(&wg, -3); /* NEG_ADD */
    puts("add returned");
}

static knot_wg task_wg;

static void done_too_often(void *arg) {
    (void)arg;
    knot_wg_done(&task_wg);
    knot_wg_done(&task_wg); /* NEG_IN_TASK */
}

static void negative_counter_in_task_panics(void) {
    knot_wg_add(&task_wg, 1);
    CHECK_EQ(knot_go(done_too_often, NULL), 0); /* SPAWN_NEG */
    knot_select(NULL, 0);                       /* the task's panic ends the process */
}

static void wait_never_finishing_is_deadlock(void) {
    knot_wg wg = {0};
    knot_wg_add(&wg, 1);
    knot_wg_wait(&wg); /* NEVER_DONE */
    puts("wait returned");
}

static knot_wg shared_wg;

static void also_wait(void *arg) {
    (void)arg;
    knot_wg_wait(&shared_wg); /* TASK_WAITS */
}

/* Two waiters and nobody to call Done: both are named in the report. */
static void two_waiters_no_done_is_deadlock(void) {
    knot_wg_add(&shared_wg, 1);
    CHECK_EQ(knot_go(also_wait, NULL), 0);
    knot_wg_wait(&shared_wg); /* MAIN_WAITS */
}

/* ---- plain functions ---------------------------------------------------------- */

static void plain_done(void *wg) {
    atomic_fetch_add(&finished, 1);
    (knot_wg_done)(wg);
}

static void plain_functions_work(void) {
    knot_wg wg = {0};
    (knot_wg_add)(&wg, 3);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(knot_go(plain_done, &wg), 0);
    (knot_wg_wait)(&wg);
    CHECK_EQ(atomic_load(&finished), 3);
    (knot_wg_add)(&wg, 1);
    (knot_wg_add)(&wg, -1);
    (knot_wg_wait)(&wg);
}

/* Through the plain function the panic cannot name a line. */
static void plain_negative_panics_with_unknown_site(void) {
    knot_wg wg = {0};
    (knot_wg_done)(&wg);
}

static const test_case cases[] = {
    CASE(zero_initialised_local_works),
    CASE(zero_initialised_static_works),
    CASE(wait_at_zero_returns_at_once),
    CASE(wait_returns_after_every_done),
    CASE(all_waiters_released),
    CASE(reuse_after_reaching_zero),
    CASE(add_more_than_one_and_negative_deltas),
    CASE_FAILS(done_at_zero_panics, 2,
               "panic: sync: negative WaitGroup counter|task 1 [running]|"
               "test-wg.c:{L:NEG_DONE} in done_at_zero_panics()"),
    CASE_FAILS(add_below_zero_panics, 2,
               "panic: sync: negative WaitGroup counter|"
               "test-wg.c:{L:NEG_ADD} in add_below_zero_panics()"),
    CASE_FAILS(
        negative_counter_in_task_panics, 2,
        "panic: sync: negative WaitGroup counter|task 2 [running]|"
        "test-wg.c:{L:NEG_IN_TASK} in done_too_often()|"
        "created by task 1 at /|/test-wg.c:{L:SPAWN_NEG} in negative_counter_in_task_panics()"),
    CASE_FAILS(wait_never_finishing_is_deadlock, 2,
               "fatal error: all tasks are asleep - deadlock!|task 1 [wait group wait]|"
               "test-wg.c:{L:NEVER_DONE} in wait_never_finishing_is_deadlock()"),
    CASE_FAILS(
        two_waiters_no_done_is_deadlock, 2,
        "fatal error: all tasks are asleep - deadlock!|"
        "task 1 [wait group wait]|test-wg.c:{L:MAIN_WAITS} in two_waiters_no_done_is_deadlock()|"
        "task 2 [wait group wait]|test-wg.c:{L:TASK_WAITS} in also_wait()"),
    CASE(plain_functions_work),
    CASE_FAILS(plain_negative_panics_with_unknown_site, 2,
               "panic: sync: negative WaitGroup counter|<unknown>:0 in ?()"),
};

TEST_MAIN(cases)
