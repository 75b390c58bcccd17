/* C11 <threads.h> in a knot program: recorded with the kinds of their
 * pthread twins (threads, joins, detach, mutexes, condition variables), with
 * the pthread error as result, and C11's results kept. "deadlock": a task in
 * mtx_lock, one in cnd_wait and main in thrd_join, all for good. */
#include "rec-wait.h"

#include <knot/knot.h>
#include <stdio.h>
#include <string.h>
#include <threads.h>

static mtx_t mu, timed;
static cnd_t cond, never;
static int ready;
static _Atomic int worker_tid;

static int worker(void *arg) {
    (void)arg;
    atomic_store(&worker_tid, rec_tid());
    mtx_lock(&mu); /* C11_LOCK */
    while (!ready)
        cnd_wait(&cond, &mu); /* C11_WAIT */
    mtx_unlock(&mu);
    return 42;
}

static int contender(void *arg) {
    (void)arg;
    int busy = mtx_trylock(&timed); /* C11_TRYLOCK */
    struct timespec soon = rec_deadline(50);
    int late = mtx_timedlock(&timed, &soon);                       /* C11_TIMEDLOCK */
    thrd_exit(busy == thrd_busy && late == thrd_timedout ? 7 : 0); /* C11_EXIT */
}

static int quick(void *arg) { return arg != NULL; }

static int stuck_lock(void *arg) {
    (void)arg;
    mtx_lock(&timed); /* STUCK_LOCK */
    return 0;
}

static int stuck_wait(void *arg) {
    (void)arg;
    mtx_lock(&mu);
    cnd_wait(&never, &mu); /* STUCK_WAIT */
    return 0;
}

int main(int argc, char **argv) {
    mtx_init(&mu, mtx_plain);
    mtx_init(&timed, mtx_timed);
    cnd_init(&cond);
    cnd_init(&never);
    thrd_t th;
    int res = 0, ok = 1;
    if (argc > 1 && strcmp(argv[1], "deadlock") == 0) {
        mtx_lock(&timed);
        thrd_create(&th, stuck_wait, NULL);
        thrd_create(&th, stuck_lock, NULL);
        thrd_join(th, NULL); /* STUCK_JOIN */
        return 0;
    }
    ok &= thrd_create(&th, worker, NULL) == thrd_success; /* C11_CREATE */
    rec_wait_asleep(&worker_tid);                         /* in cnd_wait */
    mtx_lock(&mu);
    ready = 1;
    cnd_signal(&cond);                                      /* C11_SIGNAL */
    mtx_unlock(&mu);                                        /* MAIN_UNLOCK */
    ok &= thrd_join(th, &res) == thrd_success && res == 42; /* C11_JOIN */

    mtx_lock(&timed); /* C11_HOLD */
    thrd_create(&th, contender, NULL);
    ok &= thrd_join(th, &res) == thrd_success && res == 7;
    mtx_unlock(&timed);
    mtx_destroy(&timed); /* C11_DESTROY */

    mtx_lock(&mu);
    cnd_broadcast(&cond); /* C11_BROADCAST */
    struct timespec soon = rec_deadline(20);
    ok &= cnd_timedwait(&cond, &mu, &soon) == thrd_timedout; /* C11_TIMEDWAIT */
    mtx_unlock(&mu);

    ok &= thrd_create(&th, quick, NULL) == thrd_success;
    ok &= thrd_detach(th) == thrd_success; /* C11_DETACH */
    puts(ok ? "ok" : "wrong results");
    return ok ? 0 : 1;
}
