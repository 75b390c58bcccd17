/* leak-join.c with a shutdown: main sends the stop command, which ends the
 * listener, which lets the supervisor's join return; main joins the
 * supervisor last. */
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
    while (knot_chan_recv(s->control, &cmd))
        if (cmd == 0)
            break;
    return NULL;
}

static void *supervise(void *arg) {
    struct server *s = arg;
    pthread_join(s->listener, NULL);
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
    usleep(20 * 1000);
    int stop = 0;
    knot_chan_send(s.control, &stop);
    pthread_join(sup, NULL);
    knot_chan_free(s.control);
    return 0;
}
