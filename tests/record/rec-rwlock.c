/* Readers and a writer on a pthread read-write lock, built without knot:
 * every hold is recorded, and in the trace's order a write hold is never
 * interleaved with another task's operations on the lock. Timed and
 * clock... locks are recorded too, with ETIMEDOUT when they gave up. */
#define _GNU_SOURCE /* pthread_rwlock_clockwrlock */
#include "rec-wait.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER, timed = PTHREAD_RWLOCK_INITIALIZER;
static long value, sum;

static void *reader(void *arg) {
    for (int i = 0; i < 200; i++) {
        pthread_rwlock_rdlock(&rw); /* RDLOCK */
        __atomic_add_fetch(&sum, value, __ATOMIC_RELAXED);
        pthread_rwlock_unlock(&rw);
    }
    return arg;
}

static void *writer(void *arg) {
    for (int i = 0; i < 200; i++) {
        pthread_rwlock_wrlock(&rw); /* WRLOCK */
        value++;
        pthread_rwlock_unlock(&rw);
    }
    return arg;
}

static void *give_up(void *arg) {
    struct timespec soon = rec_deadline(50);
    int rd = pthread_rwlock_timedrdlock(&timed, &soon); /* TIMEDRDLOCK */
    soon = rec_deadline_on(CLOCK_MONOTONIC, 50);
    int wr = pthread_rwlock_clockwrlock(&timed, CLOCK_MONOTONIC, &soon); /* CLOCKWRLOCK */
    return rd == ETIMEDOUT && wr == ETIMEDOUT ? arg : NULL;
}

int main(void) {
    pthread_t t[3];
    pthread_create(&t[0], NULL, reader, NULL);
    pthread_create(&t[1], NULL, reader, NULL);
    pthread_create(&t[2], NULL, writer, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);

    void *gave_up;
    pthread_rwlock_wrlock(&timed); /* TIMED_HOLD */
    pthread_create(&t[0], NULL, give_up, &timed);
    pthread_join(t[0], &gave_up);
    pthread_rwlock_unlock(&timed);
    struct timespec later = rec_deadline(10000);
    if (!gave_up || pthread_rwlock_timedwrlock(&timed, &later) != 0) /* TIMEDWRLOCK */
        return 1;
    pthread_rwlock_unlock(&timed);
    printf("%ld\n", value);
    return value == 200 ? 0 : 1;
}
