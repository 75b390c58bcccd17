/* Not C: the linter must say where clang gave up, and exit 2. */
#include <knot/knot.h>

static void worker(void *arg) {
    knot_chan_send(arg, &arg)
}

int main(void {
    return 0;
}
