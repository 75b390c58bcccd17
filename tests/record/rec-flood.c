/* Records in bursts, from tasks on channels and from threads on a mutex,
 * until it is killed: whenever SIGKILL lands, the journal must hold whole
 * items only and import into a trace that checks. (A pause a millisecond
 * after every BURST operations keeps the trace to some 10^5 events a
 * second.) */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#define BURST 16

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void produce(void *ch) {
    for (int i = 0;; i++) {
        knot_chan_send(ch, &i);
        if (i % BURST == 0)
            knot_sleep(1);
    }
}

static void consume(void *ch) {
    for (;;)
        knot_chan_recv(ch, NULL);
}

static void *count(void *unused) {
    (void)unused;
    for (long i = 0;; i++) {
        pthread_mutex_lock(&counter_lock);
        counter++;
        pthread_mutex_unlock(&counter_lock);
        if (i % BURST == 0)
            usleep(1000);
    }
    return NULL;
}

int main(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 16);
    for (int i = 0; i < 2; i++) {
        knot_go(produce, ch);
        knot_go(consume, ch);
    }
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&threads[i], NULL, count, NULL);
    puts("flooding");
    fflush(stdout);
    pthread_join(threads[0], NULL); /* never: killed first */
    return 0;
}
