/* fork(): the child starts with only the forking thread, so the runtime's
 * bookkeeping must shrink to that one task, and the runtime's own threads
 * (timer, watchdog) must be started afresh when next needed.
 *
 * What the child inherits, as documented in docs/guide.md: channels and their
 * buffered values; the forking task, still a coroutine if it was one, on
 * the scheduler's processor it was using; not the parent's other tasks (waiters they left queued on
 * a channel stay there, unanswerable), and not the parent's pending timers. */
#include "internal.h"

#include <pthread.h>

static void prepare(void) {
    /* Hold the runtime's global locks across fork so that the child never
     * inherits one locked by a thread that does not exist there. */
    knot__threads_fork(KNOT__FORK_PREPARE);
    knot__timers_fork(KNOT__FORK_PREPARE);
    knot__tasks_fork(KNOT__FORK_PREPARE);
    knot__sched_fork(KNOT__FORK_PREPARE);
    knot__stacks_fork(KNOT__FORK_PREPARE);
}

static void parent(void) {
    knot__stacks_fork(KNOT__FORK_PARENT);
    knot__sched_fork(KNOT__FORK_PARENT);
    knot__tasks_fork(KNOT__FORK_PARENT);
    knot__timers_fork(KNOT__FORK_PARENT);
    knot__threads_fork(KNOT__FORK_PARENT);
}

static void child(void) {
    knot__sync_table_fork_child(); /* before the recorder: it may stop tracing */
    knot__recorder_fork_child();
    knot__watchdog_fork_child(); /* zeroes the counts the others rebuild */
    knot__tasks_fork(KNOT__FORK_CHILD);
    knot__sched_fork(KNOT__FORK_CHILD); /* after the counts are zeroed */
    knot__stacks_fork(KNOT__FORK_CHILD);
    knot__timers_fork(KNOT__FORK_CHILD);
    knot__threads_fork(KNOT__FORK_CHILD);
    /* The child's trace is a trace of its own: its one task starts in it. */
    if (knot__current)
        (void)KNOT__TRACE(KNOT__EV_TASK_START, KNOT__POINT, knot__current, 0, NULL, NULL, 0, 0);
}

__attribute__((constructor)) static void install_fork_handlers(void) {
    pthread_atfork(prepare, parent, child);
}
