/* pthread_exit and pthread_detach, built without knot: a thread that ends
 * by pthread_exit (and main itself) ends "exited" at the call's line; a
 * detach names the task it detached. */
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

int main(void) {
    pthread_t a, b, c;
    void *r = NULL;
    pthread_create(&a, NULL, exits, NULL);
    pthread_join(a, &r);
    pthread_create(&b, NULL, returns, NULL);
    pthread_detach(b); /* DETACH */
    pthread_create(&c, NULL, detaches_itself, NULL);
    printf("%ld\n", (long)r);
    fflush(stdout);
    pthread_exit(NULL); /* MAIN_EXIT */
}
