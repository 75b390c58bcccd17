/* The ThreadSanitizer build of the runtime interposes no pthread function
 * (TSan does), so these are the plain versions of interpose-thread.c's. */
#include "internal.h"

int knot__pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *),
                         void *arg) {
    return pthread_create(th, attr, fn, arg);
}

void knot__threads_fork(enum knot__fork_phase phase) { (void)phase; }

bool knot__thread_exited(knot__task *t, uint64_t end) {
    (void)t;
    (void)end;
    return false;
}

bool knot__mutex_waiter_can_run(knot__task *t) {
    (void)t;
    return false;
}
