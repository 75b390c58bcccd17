/* Timers: knot_after, knot_tick, knot_sleep and knot_now_ns. Only properties
 * that hold however slow the machine is are checked: a timer's value is the
 * time it fired, so it is never earlier than its deadline and never later
 * than the moment it is read; nothing checks that a timer fired "soon".
 * Stopping is shown through the deadlock detector: it only reports once no
 * timer is pending, so a report proves a freed timer was cancelled. */
#include "../harness.h"

#include <knot/knot.h>
#include <stdatomic.h>

#define MS 1000000ull /* nanoseconds per millisecond */

/* ---- knot_after ------------------------------------------------------------- */

static void after_delivers_one_value_past_deadline(void) {
    uint64_t before = knot_now_ns();
    knot_chan *ch = knot_after(30);
    CHECK(ch != NULL);
    CHECK_EQ(knot_chan_cap(ch), 1);
    uint64_t v = 0;
    CHECK(knot_chan_recv(ch, &v));
    CHECK(v >= before + 30 * MS);
    CHECK(v <= knot_now_ns()); /* the firing time, read before delivery */
    knot_sleep(50);            /* give a (wrong) second value every chance to arrive */
    CHECK_EQ(knot_chan_len(ch), 0);
    knot_case c = KNOT_CASE_RECV(ch, &v);
    CHECK_EQ(knot_select_nb(&c, 1), -1); /* neither another value nor closed */
    knot_chan_free(ch);
}

static void after_zero_fires(void) {
    uint64_t before = knot_now_ns();
    knot_chan *ch = knot_after(0);
    CHECK(ch != NULL);
    uint64_t v = 0;
    CHECK(knot_chan_recv(ch, &v));
    CHECK(v >= before);
    knot_chan_free(ch);
}

/* A timer due earlier fires no later than one due later: once the later one
 * has been received, the earlier one's value is already waiting. */
static void timers_fire_in_deadline_order(void) {
    uint64_t before = knot_now_ns();
    knot_chan *late = knot_after(40);
    knot_chan *early = knot_after(10);
    uint64_t vl = 0, ve = 0;
    CHECK(knot_chan_recv(late, &vl));
    CHECK_EQ(knot_chan_len(early), 1);
    CHECK(knot_chan_recv(early, &ve));
    CHECK(ve >= before + 10 * MS);
    CHECK(vl >= before + 40 * MS);
    CHECK(ve <= vl);
    knot_chan_free(late);
    knot_chan_free(early);
}

/* The channel is never closed, so a second receive waits for ever, and once
 * the timer has fired nothing can end that wait: Go's deadlock. */
static void second_receive_from_after_is_deadlock(void) {
    knot_chan *ch = knot_after(1);
    CHECK(knot_chan_recv(ch, NULL));
    (void)knot_chan_recv(ch, NULL); /* SECOND_RECV */
    puts("second receive returned");
}

/* Freeing before the deadline: no crash when the deadline passes, whether
 * the free won the race with the firing or lost it. */
static void free_before_fire_is_safe(void) {
    for (int i = 0; i < 1000; i++) {
        knot_chan *ch = knot_after(i % 2); /* 0 and 1 ms: often racing the firing */
        CHECK(ch != NULL);
        knot_chan_free(ch);
    }
    knot_chan *later = knot_after(20);
    knot_chan_free(later);
    knot_sleep(50); /* past every deadline above */
}

/* A cancelled timer no longer counts as pending: with main blocked on a nil
 * channel the detector reports, where a live ten-minute timer would make it
 * wait (and the case time out). */
static void free_before_fire_cancels(void) {
    knot_chan *ch = knot_after(10ull * 60 * 1000); /* ten minutes */
    knot_chan_free(ch);
    (void)knot_chan_recv(NULL, NULL); /* NIL_AFTER_CANCEL */
}

/* ---- knot_tick ----------------------------------------------------------------- */

/* The i-th value received is at least i periods after the start: ticks come
 * from successive deadlines, each at least a period after the previous. */
static void tick_delivers_increasing_values(void) {
    uint64_t before = knot_now_ns();
    knot_chan *ch = knot_tick(5);
    CHECK(ch != NULL);
    CHECK_EQ(knot_chan_cap(ch), 1);
    uint64_t prev = before;
    for (uint64_t i = 1; i <= 5; i++) {
        uint64_t v = 0;
        CHECK(knot_chan_recv(ch, &v));
        CHECK(v > prev);
        CHECK(v >= before + i * 5 * MS);
        prev = v;
    }
    knot_chan_free(ch);
}

/* After free, no timer is pending: the detector reports main's nil receive.
 * A ticker still running would keep it quiet for ever. */
static void tick_free_stops_ticker(void) {
    knot_chan *ch = knot_tick(2);
    CHECK(knot_chan_recv(ch, NULL));
    CHECK(knot_chan_recv(ch, NULL));
    knot_chan_free(ch);
    (void)knot_chan_recv(NULL, NULL); /* NIL_AFTER_TICK */
}

/* A reader that lags loses ticks rather than queueing them: the buffer holds
 * one. The tick (1 ms) is due before the sleep (30 ms) ends, so it has fired. */
static void tick_drops_while_reader_lags(void) {
    knot_chan *ch = knot_tick(1);
    knot_sleep(30);
    CHECK_EQ(knot_chan_len(ch), 1);
    uint64_t a = 0, b = 0;
    CHECK(knot_chan_recv(ch, &a));
    CHECK(knot_chan_recv(ch, &b));
    CHECK(b > a);
    knot_chan_free(ch);
}

static void tick_zero_is_nil(void) {
    CHECK(knot_tick(0) == NULL);
    CHECK(knot_tick(0) == NULL);
}

/* ---- knot_sleep and the detector --------------------------------------------- */

static void sleep_advances_clock(void) {
    uint64_t before = knot_now_ns();
    knot_sleep(15);
    uint64_t after = knot_now_ns();
    CHECK(after >= before + 15 * MS);
    knot_sleep(0);
    CHECK(knot_now_ns() >= after); /* monotonic */
}

/* Waiting on a timer is sleeping, not a deadlock. */
static void blocked_on_timer_is_not_deadlock(void) {
    knot_chan *ch = knot_after(100);
    CHECK(knot_chan_recv(ch, NULL));
    knot_chan_free(ch);
}

static knot_wg sleeper_wg;

static void sleep_then_done(void *arg) {
    (void)arg;
    knot_sleep(50);
    knot_wg_done(&sleeper_wg);
}

/* Main blocked on a wait group while the only other task sleeps: a timer is
 * pending, so that task will run again. */
static void waiting_on_sleeper_is_not_deadlock(void) {
    knot_wg_add(&sleeper_wg, 1);
    CHECK_EQ(knot_go(sleep_then_done, NULL), 0);
    knot_wg_wait(&sleeper_wg);
}

enum { SLEEPERS = 100 };

static knot_wg many_wg;
static atomic_int woke_in_time;

static void sleep_some(void *arg) {
    uint64_t ms = (uint64_t) * (const int *)arg;
    uint64_t before = knot_now_ns();
    knot_sleep(ms);
    if (knot_now_ns() >= before + ms * MS)
        atomic_fetch_add(&woke_in_time, 1);
    knot_wg_done(&many_wg);
}

static void many_concurrent_timers_all_fire(void) {
    knot_wg_add(&many_wg, SLEEPERS);
    for (int i = 0; i < SLEEPERS; i++) {
        int ms = 1 + (i * 7) % 20; /* interleaved deadlines, so the heap reorders */
        CHECK_EQ(knot_go_copy(sleep_some, &ms, sizeof ms), 0);
    }
    knot_wg_wait(&many_wg);
    CHECK_EQ(atomic_load(&woke_in_time), SLEEPERS);
}

/* ---- select --------------------------------------------------------------------- */

static void select_picks_timer_over_never_ready(void) {
    knot_chan *never = knot_chan_make(sizeof(uint64_t), 0);
    uint64_t before = knot_now_ns();
    knot_chan *t = knot_after(20);
    uint64_t v = 0, w = 0;
    knot_case c[] = {KNOT_CASE_RECV(never, &w), KNOT_CASE_RECV(t, &v), KNOT_CASE_RECV(NULL, &w)};
    CHECK_EQ(knot_select(c, 3), 1);
    CHECK(c[1].ok);
    CHECK(v >= before + 20 * MS);
    knot_chan_free(t);
    knot_chan_free(never);
}

static const test_case cases[] = {
    CASE(after_delivers_one_value_past_deadline),
    CASE(after_zero_fires),
    CASE(timers_fire_in_deadline_order),
    CASE_FAILS(second_receive_from_after_is_deadlock, 2,
               "fatal error: all tasks are asleep - deadlock!|task 1 [chan receive]|"
               "test-timer.c:{L:SECOND_RECV} in second_receive_from_after_is_deadlock()"),
    CASE(free_before_fire_is_safe),
    CASE_FAILS(free_before_fire_cancels, 2,
               "fatal error: all tasks are asleep - deadlock!|task 1 [chan receive (nil chan)]|"
               "test-timer.c:{L:NIL_AFTER_CANCEL}"),
    CASE(tick_delivers_increasing_values),
    CASE_FAILS(tick_free_stops_ticker, 2,
               "fatal error: all tasks are asleep - deadlock!|task 1 [chan receive (nil chan)]|"
               "test-timer.c:{L:NIL_AFTER_TICK}"),
    CASE(tick_drops_while_reader_lags),
    CASE(tick_zero_is_nil),
    CASE(sleep_advances_clock),
    CASE(blocked_on_timer_is_not_deadlock),
    CASE(waiting_on_sleeper_is_not_deadlock),
    CASE(many_concurrent_timers_all_fire),
    CASE(select_picks_timer_over_never_ready),
};

TEST_MAIN(cases)
