/* The wrappers of spawn.h: nothing here is wrong, the bugs are at their
 * callers in workers.c. */
#include "spawn.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

/* As pigz's yarn.c does it: the function and its argument travel to the
 * new thread in a heap capsule, which ignition() unpacks. */
struct capsule {
    void *(*probe)(void *);
    void *payload;
};

static void *ignition(void *arg) {
    struct capsule *capsule = arg;
    void *(*probe)(void *) = capsule->probe;
    void *payload = capsule->payload;
    free(capsule);
    return probe(payload);
}

int launch(void *(*fn)(void *), void *arg) {
    struct capsule *capsule = malloc(sizeof *capsule);
    if (!capsule)
        return -1;
    capsule->probe = fn;
    capsule->payload = arg;
    pthread_t t;
    int rc = pthread_create(&t, NULL, ignition, capsule);
    if (rc == 0)
        pthread_detach(t);
    if (rc != 0)
        free(capsule);
    return rc;
}

static void *worker(void *arg) {
    printf("worker %d\n", *(const int *)arg);
    return NULL;
}

int start_worker(void *arg) { return launch(worker, arg); }

void go_task(void (*fn)(void *), void *arg) { knot_go(fn, arg); }

void go_copied(void (*fn)(void *), const void *arg, size_t size) { knot_go_copy(fn, arg, size); }

int spawn_thread(pthread_t *t, void *(*fn)(void *), void *arg) {
    return pthread_create(t, NULL, fn, arg);
}

int finish(pthread_t *t) { return pthread_join(*t, NULL); }

void *run_and_wait(void *(*fn)(void *), void *arg) {
    pthread_t t;
    void *result = NULL;
    if (pthread_create(&t, NULL, fn, arg) == 0)
        pthread_join(t, &result);
    return result;
}
