/* pthread_create and pthread_join in a knot program: threads are tasks from
 * their first instruction, a join names the end it waited for, and a join on
 * a thread that can never end is part of "all tasks are asleep". */
#include <knot/knot.h>
#include <pthread.h>
#include <string.h>

static knot_chan *never;

static void *quick(void *arg) { return arg; }

static void *stuck(void *arg) {
    knot_chan_recv(never, NULL); /* STUCK_RECV */
    return arg;
}

int main(int argc, char **argv) {
    never = knot_chan_make(0, 0);
    pthread_t th;
    pthread_create(&th, NULL, quick, NULL); /* CREATE_QUICK */
    pthread_join(th, NULL);                 /* JOIN_QUICK */
    if (argc > 1 && strcmp(argv[1], "stuck") == 0) {
        pthread_create(&th, NULL, stuck, NULL);
        pthread_join(th, NULL); /* JOIN_STUCK */
    }
    return 0;
}
