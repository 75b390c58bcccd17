/* A supervisor thread joins a listener thread that waits for a shutdown
 * message nobody sends. main returns without stopping either: the listener
 * is blocked on its receive and the supervisor on its join, two leaks at two
 * calls. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct server {
    knot_chan *control; /* chan int: commands for the listener */
    pthread_t listener;
};

static void *listen_loop(void *arg) {
    struct server *s = arg;
    int cmd;
    while (knot_chan_recv(s->control, &cmd)) // want: leak
        if (cmd == 0)
            break;
    return NULL;
}

static void *supervise(void *arg) {
    struct server *s = arg;
    pthread_join(s->listener, NULL); // want: leak
    printf("listener exited\n");
    return NULL;
}

int main(void) {
    static struct server s;
    s.control = knot_chan_make(sizeof(int), 0);
    knot_chan_name(s.control, "control");
    pthread_t sup;
    if (pthread_create(&s.listener, NULL, listen_loop, &s) != 0)
        return 1;
    if (pthread_create(&sup, NULL, supervise, &s) != 0)
        return 1;
    pthread_detach(sup);
    usleep(20 * 1000);
    return 0; /* BUG: never sends the shutdown command */
}
