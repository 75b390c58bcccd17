/* Tasks parked at known lines, for the gdb script's test: main stops in
 * stop_here() once all of them have started. */
#include <knot/knot.h>

static knot_chan *never;
static knot_wg started;

__attribute__((noinline)) void stop_here(void) { __asm__ volatile(""); }

static __attribute__((noinline)) void wait_for_work(void *arg) {
    (void)arg;
    knot_wg_done(&started);
    knot_chan_recv(never, NULL); /* PARKED_HERE */
}

int main(void) {
    never = knot_chan_make(0, 0);
    knot_wg_add(&started, 3);
    for (int i = 0; i < 3; i++)
        knot_go(wait_for_work, NULL); /* SPAWNED_HERE */
    knot_wg_wait(&started);
    knot_sleep(20); /* the last to start parks */
    stop_here();
    return 0;
}
