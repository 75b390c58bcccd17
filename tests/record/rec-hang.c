/* Hangs with main blocked on a channel while another task is blocked in
 * read() (outside knot), so the live detector stays silent and only a
 * timeout ends it: knot run --timeout kills it with SIGKILL. */
#include <knot/knot.h>
#include <stdio.h>
#include <unistd.h>

static int fds[2];

static void reader(void *ch) {
    char c;
    if (read(fds[0], &c, 1) == 1) /* never: nobody writes */
        knot_chan_send(ch, &c);
}

int main(void) {
    if (pipe(fds) != 0)
        return 1;
    knot_chan *ch = knot_chan_make(1, 0); /* MAKE_HANG */
    knot_go(reader, ch);
    for (int i = 0; i < 1000; i++) { /* plenty of events before the hang */
        knot_chan *t = knot_chan_make(sizeof(int), 1);
        knot_chan_send(t, &i);
        knot_chan_recv(t, NULL);
        knot_chan_free(t);
    }
    fflush(stdout);
    char c;
    knot_chan_recv(ch, &c); /* RECV_HANG */
    return 0;
}
