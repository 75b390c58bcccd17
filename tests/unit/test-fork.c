/* fork(): the child keeps a working runtime with just the forking task;
 * the parent's other tasks are gone there and never answer. */
#include "../harness.h"

#include <knot/knot.h>
#include <sys/wait.h>
#include <unistd.h>

static knot_wg received;

static void receive_one(void *ch) {
    int v;
    if (knot_chan_recv(ch, &v))
        printf("parent task got %d\n", v);
    knot_wg_done(&received);
}

static void squares(void *out) {
    for (long i = 1; i <= 10; i++) {
        long sq = i * i;
        knot_chan_send(out, &sq);
    }
    knot_chan_close(out);
}

/* In the child: timers, tasks and channels work from scratch. */
static int child_work(void) {
    knot_sleep(5); /* a timer thread must start anew in the child */
    knot_chan *ch = knot_chan_make(sizeof(long), 0);
    knot_go(squares, ch);
    long v, sum = 0;
    while (knot_chan_recv(ch, &v))
        sum += v;
    return sum == 385 ? 0 : 1;
}

static void child_runtime_works(void) {
    knot_sleep(1); /* the parent's timer thread exists before the fork */
    knot_chan *ch = knot_chan_make(sizeof(int), 0);
    knot_wg_add(&received, 1);
    knot_go(receive_one, ch);
    knot_sleep(20); /* let the receiver park */
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
        _exit(child_work());
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 0);
    int v = 5; /* the parent's receiver is still there for the parent */
    knot_chan_send(ch, &v);
    knot_wg_wait(&received);
}

/* The parent's receiver is parked on ch; in the child nobody can receive, so
 * the child's send blocks and the child reports the deadlock. */
static void child_does_not_hand_values_to_parent_tasks(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 0);
    knot_wg_add(&received, 1);
    knot_go(receive_one, ch);
    knot_sleep(20);
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int v = 1;
        knot_chan_send(ch, &v); /* CHILD_SEND */
        _exit(0);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status));
    CHECK_EQ(WEXITSTATUS(status), 2);
    int v = 7;
    knot_chan_send(ch, &v);
    knot_wg_wait(&received);
}

static const test_case cases[] = {
    CASE_PRINTS(child_runtime_works, "parent task got 5"),
    {"child_does_not_hand_values_to_parent_tasks", child_does_not_hand_values_to_parent_tasks, 0,
     "fatal error: all tasks are asleep - deadlock!|[chan send]|/test-fork.c:{L:CHILD_SEND}",
     "parent task got 7"},
};

TEST_MAIN(cases)
