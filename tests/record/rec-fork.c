/* Forks after recording: parent and child get separate, complete traces. */
#include <knot/knot.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
    knot_chan *c = knot_chan_make(sizeof(int), 4);
    int v = 1;
    knot_chan_send(c, &v); /* PARENT_SEND */
    pid_t p = fork();
    if (p == 0) {
        knot_chan *d = knot_chan_make(sizeof(int), 0); /* CHILD_MAKE */
        knot_chan_name(d, "child only");
        knot_chan_send(c, &v); /* CHILD_SEND */
        _exit(0);
    }
    waitpid(p, NULL, 0);
    knot_chan_recv(c, &v);
    return 0;
}
