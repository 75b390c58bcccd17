/* pthread_exit, pthread_detach and the joins that may fail, built without
 * knot: a thread that ends by pthread_exit (and main itself) ends "exited"
 * at the call's line; a detach names the task it detached; a join that
 * failed (a try too early, a thread joining itself) leaves the thread to be
 * joined later. */
#define _GNU_SOURCE /* pthread_tryjoin_np, pthread_timedjoin_np */
#include "rec-wait.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static void finish(void) { pthread_exit((void *)5); /* PTHREAD_EXIT */ }

static void *exits(void *arg) {
    finish();
    return arg;
}

static void *returns(void *arg) { return arg; }

static void *detaches_itself(void *arg) {
    pthread_detach(pthread_self()); /* SELF_DETACH */
    return arg;
}

static void *slow(void *arg) {
    rec_sleep_ms(200);
    return arg;
}

static _Atomic int self_joined;

static void *joins_itself(void *arg) {
    int rc = pthread_join(pthread_self(), NULL); /* SELF_JOIN */
    atomic_store(&self_joined, 1);
    return rc == EDEADLK ? arg : NULL;
}

int main(void) {
    pthread_t a, b, c;
    void *r = NULL;
    pthread_create(&a, NULL, exits, NULL);
    pthread_join(a, &r); /* JOIN_EXITED */
    pthread_create(&b, NULL, returns, NULL);
    pthread_detach(b); /* DETACH */
    pthread_create(&c, NULL, detaches_itself, NULL);

    pthread_t d, e;
    void *rd = NULL, *re = NULL;
    static int d_arg, e_arg;
    pthread_create(&d, NULL, slow, &d_arg);
    int early = pthread_tryjoin_np(d, &rd); /* TRYJOIN */
    struct timespec later = rec_deadline(10000);
    int timed = pthread_timedjoin_np(d, &rd, &later); /* TIMEDJOIN */
    pthread_create(&e, NULL, joins_itself, &e_arg);
    while (!atomic_load(&self_joined)) /* two joins at once are undefined */
        rec_sleep_ms(1);
    int self = pthread_join(e, &re); /* JOIN_SELF_JOINER */
    if (early != EBUSY || timed != 0 || rd != &d_arg || self != 0 || re != &e_arg)
        return 1;
    printf("%ld\n", (long)r);
    fflush(stdout);
    pthread_exit(NULL); /* MAIN_EXIT */
}
