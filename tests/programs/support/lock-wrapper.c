/* See lock-wrapper.h. Built as its own translation unit, as a real wrapper
 * library is: its calls to pthreads are never inlined into the caller. */
#include "lock-wrapper.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lock {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    long value;
};

static void fail(int err, const char *what) {
    fprintf(stderr, "lock-wrapper: %s: %s\n", what, strerror(err));
    exit(1);
}

lock *new_lock(long initial) {
    lock *bolt = malloc(sizeof *bolt);
    if (!bolt)
        fail(12, "new_lock");
    int ret = pthread_mutex_init(&bolt->mutex, NULL);
    if (ret)
        fail(ret, "new_lock");
    ret = pthread_cond_init(&bolt->cond, NULL);
    if (ret)
        fail(ret, "new_lock");
    bolt->value = initial;
    return bolt;
}

void possess(lock *bolt) {
    int ret = pthread_mutex_lock(&bolt->mutex);
    if (ret)
        fail(ret, "possess");
}

void release(lock *bolt) {
    int ret = pthread_mutex_unlock(&bolt->mutex);
    if (ret)
        fail(ret, "release");
}

void twist(lock *bolt, long value) {
    bolt->value = value;
    int ret = pthread_cond_broadcast(&bolt->cond);
    if (ret)
        fail(ret, "twist");
    ret = pthread_mutex_unlock(&bolt->mutex);
    if (ret)
        fail(ret, "twist");
}

void wait_for(lock *bolt, long value) {
    possess(bolt);
    while (bolt->value != value) {
        int ret = pthread_cond_wait(&bolt->cond, &bolt->mutex);
        if (ret)
            fail(ret, "wait_for");
    }
}

long peek_lock(lock *bolt) { return bolt->value; }

void free_lock(lock *bolt) {
    int ret = pthread_cond_destroy(&bolt->cond);
    if (ret)
        fail(ret, "free_lock");
    ret = pthread_mutex_destroy(&bolt->mutex);
    if (ret)
        fail(ret, "free_lock");
    free(bolt);
}
