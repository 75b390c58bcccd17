/* The live "all tasks are asleep" detector: it fires on a global deadlock
 * (status 2, Go's message, each task's blocked operation and site) and stays
 * silent while any task runs, sleeps on a timer, or is blocked outside knot. */
#include "../harness.h"

#include <knot/knot.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

static knot_chan *ping, *pong;
static knot_wg wg;

static void wait_ping_then_pong(void *arg) {
    (void)arg;
    long v;
    (void)knot_chan_recv(ping, &v); /* CYCLE_A */
    knot_chan_send(pong, &v);
    knot_wg_done(&wg);
}

static void wait_pong_then_ping(void *arg) {
    (void)arg;
    long v;
    (void)knot_chan_recv(pong, &v); /* CYCLE_B */
    knot_chan_send(ping, &v);
    knot_wg_done(&wg);
}

/* Each task waits for the other to speak first; main waits for both. */
static void cycle_of_two_tasks(void) {
    ping = knot_chan_make(sizeof(long), 0);
    pong = knot_chan_make(sizeof(long), 0);
    knot_wg_add(&wg, 2);
    knot_go(wait_ping_then_pong, NULL); /* SPAWN_A */
    knot_go(wait_pong_then_ping, NULL);
    knot_wg_wait(&wg); /* MAIN_WAIT */
    puts("unreachable");
}

static void wait_group_never_done(void) {
    knot_wg g = {0};
    knot_wg_add(&g, 1);
    knot_wg_wait(&g); /* WG_WAIT */
}

static void quits_without_sending(void *ch) {
    (void)ch;
    knot_sleep(10); /* some work, then return: main's receive can never complete */
}

/* The last running task ends, leaving main blocked: detected at that exit. */
static void last_running_task_exits(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 0);
    knot_go(quits_without_sending, ch);
    int v;
    (void)knot_chan_recv(ch, &v); /* ORPHAN_RECV */
}

/* A pending timer is not a deadlock; once it has fired and woken nobody who
 * can make progress, the program is stuck and must be reported. */
static void deadlock_after_last_timer_fires(void) {
    knot_chan *t = knot_after(10);
    knot_chan *never = knot_chan_make(0, 0);
    knot_case cs[2] = {KNOT_CASE_RECV(never, NULL), KNOT_CASE_RECV(never, NULL)};
    (void)t;
    (void)knot_select(cs, 2); /* AFTER_TIMER */
}

/* ---- silence: live programs ------------------------------------------------ */

static void slow_producer(void *ch) {
    for (int i = 0; i < 5; i++) {
        knot_sleep(30); /* main is blocked on the receive all this while */
        knot_chan_send(ch, &i);
    }
    knot_chan_close(ch);
}

static void slow_but_live(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 0);
    knot_go(slow_producer, ch);
    int v, n = 0;
    while (knot_chan_recv(ch, &v))
        n++;
    printf("received %d\n", n);
}

static void busy_then_send(void *ch) {
    /* Pure computation for a while: running, never blocked on knot. */
    volatile unsigned long x = 0;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do {
        for (int i = 0; i < 100000; i++)
            x += (unsigned long)i;
        clock_gettime(CLOCK_MONOTONIC, &b);
    } while ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 < 200);
    int v = 7;
    knot_chan_send(ch, &v);
}

static void computing_task_keeps_it_alive(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 0);
    knot_go(busy_then_send, ch);
    int v = 0;
    CHECK(knot_chan_recv(ch, &v));
    printf("got %d\n", v);
}

static int pipefd[2];

static void read_pipe_then_send(void *ch) {
    char c;
    /* Blocked in the kernel, not in knot: the detector must not count it. */
    CHECK_EQ(read(pipefd[0], &c, 1), 1);
    int v = (unsigned char)c;
    knot_chan_send(ch, &v);
}

static void write_pipe_later(void *arg) {
    (void)arg;
    struct timespec ts = {0, 150 * 1000000L};
    nanosleep(&ts, NULL); /* a plain sleep, invisible to knot */
    CHECK_EQ(write(pipefd[1], "x", 1), 1);
}

static void task_blocked_in_read_is_not_asleep(void) {
    CHECK_EQ(pipe(pipefd), 0);
    knot_chan *ch = knot_chan_make(sizeof(int), 0);
    knot_go(read_pipe_then_send, ch);
    knot_go(write_pipe_later, NULL);
    int v = 0;
    CHECK(knot_chan_recv(ch, &v));
    printf("got %c\n", v);
}

static knot_chan *foreign_ch;

static void *foreign_thread(void *arg) {
    (void)arg;
    struct timespec ts = {0, 150 * 1000000L};
    nanosleep(&ts, NULL);
    int v = 9;
    knot_chan_send(foreign_ch, &v); /* first knot call: the thread joins then */
    return NULL;
}

/* A thread knot never spawned and has not yet seen may still send: while the
 * kernel shows threads knot does not know, there is no report. */
static void unknown_thread_is_not_asleep(void) {
    foreign_ch = knot_chan_make(sizeof(int), 0);
    pthread_t th;
    CHECK_EQ(pthread_create(&th, NULL, foreign_thread, NULL), 0);
    int v = 0;
    CHECK(knot_chan_recv(foreign_ch, &v));
    printf("got %d\n", v);
    pthread_join(th, NULL);
}

static void timer_wait_is_not_asleep(void) {
    knot_chan *t = knot_after(100);
    uint64_t when = 0;
    CHECK(knot_chan_recv(t, &when));
    knot_chan_free(t);
    puts("timer fired");
}

static const test_case cases[] = {
    CASE_FAILS(cycle_of_two_tasks, 2,
               "fatal error: all tasks are asleep - deadlock!|"
               "task 1 [wait group wait]:|/test-deadlock.c:{L:MAIN_WAIT} in cycle_of_two_tasks()|"
               "task 2 [chan receive]:|/test-deadlock.c:{L:CYCLE_A} in wait_ping_then_pong()|"
               "created by task 1 at /|/test-deadlock.c:{L:SPAWN_A} in cycle_of_two_tasks()|"
               "task 3 [chan receive]:|/test-deadlock.c:{L:CYCLE_B} in wait_pong_then_ping()"),
    CASE_FAILS(wait_group_never_done, 2,
               "all tasks are asleep - deadlock!|task 1 [wait group wait]|"
               "/test-deadlock.c:{L:WG_WAIT} in wait_group_never_done()"),
    CASE_FAILS(last_running_task_exits, 2,
               "all tasks are asleep - deadlock!|task 1 [chan receive]|"
               "/test-deadlock.c:{L:ORPHAN_RECV}"),
    CASE_FAILS(deadlock_after_last_timer_fires, 2,
               "all tasks are asleep - deadlock!|task 1 [select]|/test-deadlock.c:{L:AFTER_TIMER}"),
    CASE_PRINTS(slow_but_live, "received 5"),
    CASE_PRINTS(computing_task_keeps_it_alive, "got 7"),
    CASE_PRINTS(task_blocked_in_read_is_not_asleep, "got x"),
    CASE_PRINTS(unknown_thread_is_not_asleep, "got 9"),
    CASE_PRINTS(timer_wait_is_not_asleep, "timer fired"),
};

TEST_MAIN(cases)
