/* A forwarder is blocked sending a result on an unbuffered channel that the
 * consumer stopped reading, and the consumer then closes the channel to
 * "unblock" it. Closing wakes a blocked sender with a panic, not with an
 * error: "send on closed channel" at the send (exit status 2). */
/* exits: 2 (the panic) */
#include <knot/knot.h>
#include <stdio.h>

struct forwarder {
    knot_chan *out; /* chan int, unbuffered */
    int results[3];
};

static void forward(void *arg) {
    struct forwarder *f = arg;
    for (int i = 0; i < 3; i++)
        knot_chan_send(f->out, &f->results[i]); // want: send-on-closed
}

int main(void) {
    static struct forwarder f = {NULL, {7, 8, 9}};
    f.out = knot_chan_make(sizeof(int), 0);
    knot_chan_name(f.out, "out");
    knot_go(forward, &f);
    int first;
    knot_chan_recv(f.out, &first); /* only the first result is wanted */
    printf("first result %d\n", first);
    knot_sleep(20);         /* the forwarder is blocked on its second send */
    knot_chan_close(f.out); /* BUG: the receiver closes to release it */
    knot_sleep(50);
    return 0;
}
