/* The end of the main task. main returning, or exit() called by main, ends
 * the process without ending the main thread the way pthreads
 * ends the others: no thread-specific destructor runs for it, so its task
 * would have no end in the trace. An atexit handler records that end, and
 * the replayer sees what main still held then, as for any task. Other
 * threads calling exit() are not recorded as ending: they stop where they
 * are, like every thread still running when the process goes. */
#include "internal.h"

#include <stdlib.h>

static void main_ended(void) {
    /* Main is task 1 wherever it runs: once the scheduler starts, main is a
     * coroutine and may return on another thread than the first. Another
     * task here means main called pthread_exit (its task ended then) or
     * another thread called exit(). */
    knot__task *t = knot__current;
    if (!knot__tracing || !t || t->id != 1)
        return;
    knot__emit_at(KNOT__EV_TASK_END, KNOT__POINT, t, 0, NULL, NULL, 2, 0);
}

/* Registered early, so it runs after the program's own atexit handlers:
 * what they unlock is not held at the end. */
__attribute__((constructor)) static void register_main_end(void) { atexit(main_ended); }
