/* pthread_mutex_timedlock, _clocklock and _destroy, built without knot:
 * timed locks that give up, one that waits and takes the mutex after the
 * unlock it names; recursive and error-checking mutexes keep libc's
 * results; and pthread_cond_clockwait is a cond wait like the others. */
#define _GNU_SOURCE /* pthread_mutex_clocklock, pthread_cond_clockwait */
#include "rec-wait.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int waiter_tid;

static void *give_up(void *arg) {
    (void)arg;
    struct timespec soon = rec_deadline(50);
    int rc = pthread_mutex_timedlock(&mu, &soon); /* TIMEDLOCK_FAIL */
    soon = rec_deadline_on(CLOCK_MONOTONIC, 50);
    int clocked = pthread_mutex_clocklock(&mu, CLOCK_MONOTONIC, &soon); /* CLOCKLOCK_FAIL */
    return (void *)(long)(rc == ETIMEDOUT && clocked == ETIMEDOUT);
}

static void *wait_for_it(void *arg) {
    (void)arg;
    atomic_store(&waiter_tid, rec_tid());
    struct timespec later = rec_deadline(60000);
    int rc = pthread_mutex_timedlock(&mu, &later); /* TIMEDLOCK_WAIT */
    if (rc == 0)
        pthread_mutex_unlock(&mu); /* UNLOCK_WAITER */
    return (void *)(long)(rc == 0);
}

static int typed(int type) {
    pthread_mutexattr_t attr;
    pthread_mutex_t m;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, type);
    pthread_mutex_init(&m, &attr);
    pthread_mutexattr_destroy(&attr);
    int ok = 1;
    if (type == PTHREAD_MUTEX_RECURSIVE) {
        ok &= pthread_mutex_lock(&m) == 0; /* REC_LOCK_1 */
        ok &= pthread_mutex_lock(&m) == 0; /* REC_LOCK_2 */
        ok &= pthread_mutex_unlock(&m) == 0;
        ok &= pthread_mutex_unlock(&m) == 0;
    } else {
        ok &= pthread_mutex_lock(&m) == 0;        /* ERRCHK_LOCK */
        ok &= pthread_mutex_lock(&m) == EDEADLK;  /* ERRCHK_RELOCK */
        ok &= pthread_mutex_destroy(&m) == EBUSY; /* DESTROY_BUSY */
        ok &= pthread_mutex_unlock(&m) == 0;
    }
    ok &= pthread_mutex_destroy(&m) == 0;
    return ok;
}

int main(void) {
    pthread_t th;
    void *ok1, *ok2;
    pthread_mutex_lock(&mu); /* LOCK_MAIN */
    pthread_create(&th, NULL, give_up, NULL);
    pthread_join(th, &ok1);
    pthread_create(&th, NULL, wait_for_it, NULL);
    rec_wait_asleep(&waiter_tid);
    pthread_mutex_unlock(&mu); /* UNLOCK_MAIN */
    pthread_join(th, &ok2);
    int ok = ok1 && ok2 && pthread_mutex_destroy(&mu) == 0; /* DESTROY */
    ok = ok && typed(PTHREAD_MUTEX_RECURSIVE) && typed(PTHREAD_MUTEX_ERRORCHECK);

    pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
    pthread_mutex_lock(&cm); /* COND_MUTEX */
    struct timespec soon = rec_deadline_on(CLOCK_MONOTONIC, 20);
    int clocked = pthread_cond_clockwait(&cv, &cm, CLOCK_MONOTONIC, &soon); /* CLOCKWAIT */
    ok = ok && clocked == ETIMEDOUT;
    pthread_mutex_unlock(&cm);
    puts(ok ? "ok" : "wrong results");
    return ok ? 0 : 1;
}
