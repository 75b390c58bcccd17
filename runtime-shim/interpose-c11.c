/* Interposed C11 <threads.h>: thrd_*, mtx_* and cnd_*.
 *
 * glibc builds these on its pthread internals, calling them directly rather
 * than through the interposed pthread symbols, so they need wrappers of
 * their own. Each does what glibc's does — the same pthread operation on the
 * same object (an mtx_t is a pthread_mutex_t, a cnd_t a pthread_cond_t, a
 * thrd_t a pthread_t), its error mapped to a thrd_* code as glibc maps it —
 * through the pthread interposers, so C11 calls are recorded with the same
 * kinds as their pthread twins, with the pthread error (0, EBUSY,
 * ETIMEDOUT, ...) as the result, and count for the live detector alike.
 * mtx_init and cnd_init are libc's, followed by the record of the new
 * object, as for pthread's init functions. */
#include "internal.h"

#include <errno.h>
#include <stdint.h>
#include <threads.h>

_Static_assert(sizeof(mtx_t) == sizeof(pthread_mutex_t), "an mtx_t is a pthread mutex");
_Static_assert(sizeof(cnd_t) == sizeof(pthread_cond_t), "a cnd_t is a pthread condition");
_Static_assert(sizeof(thrd_t) == sizeof(pthread_t), "a thrd_t is a pthread_t");

/* glibc's thrd_err_map. */
static int thrd_result(int err) {
    switch (err) {
    case 0:
        return thrd_success;
    case ENOMEM:
        return thrd_nomem;
    case ETIMEDOUT:
        return thrd_timedout;
    case EBUSY:
        return thrd_busy;
    default:
        return thrd_error;
    }
}

#define RA __builtin_return_address(0)

int thrd_create(thrd_t *thr, thrd_start_t fn, void *arg) {
    return thrd_result(knot__thread_create((pthread_t *)thr, NULL, NULL, fn, arg, RA));
}

int thrd_join(thrd_t thr, int *res) {
    void *r = NULL;
    int err = knot__thread_join((pthread_t)thr, &r, RA);
    if (res && err == 0)
        *res = (int)(intptr_t)r;
    return thrd_result(err);
}

int thrd_detach(thrd_t thr) { return thrd_result(knot__thread_detach((pthread_t)thr, RA)); }

typedef void (*thrd_exit_fn)(int);
static _Atomic(void *) real_thrd_exit;

void thrd_exit(int res) {
    knot__thread_exiting(RA);
    ((thrd_exit_fn)knot__libc(&real_thrd_exit, "thrd_exit"))(res);
    __builtin_unreachable();
}

int mtx_lock(mtx_t *m) { return thrd_result(knot__mutex_lock((pthread_mutex_t *)m, NULL, RA)); }

int mtx_timedlock(mtx_t *restrict m, const struct timespec *restrict abstime) {
    return thrd_result(knot__mutex_lock((pthread_mutex_t *)m,
                                        &(knot__deadline){abstime, CLOCK_REALTIME, false}, RA));
}

int mtx_trylock(mtx_t *m) { return thrd_result(knot__mutex_trylock((pthread_mutex_t *)m, RA)); }

int mtx_unlock(mtx_t *m) { return thrd_result(knot__mutex_unlock((pthread_mutex_t *)m, RA)); }

typedef int (*mtx_init_fn)(mtx_t *, int);
typedef int (*cnd_init_fn)(cnd_t *);
static _Atomic(void *) real_mtx_init, real_cnd_init;

int mtx_init(mtx_t *m, int type) {
    int rc = ((mtx_init_fn)knot__libc(&real_mtx_init, "mtx_init"))(m, type);
    knot__sync_made(m, KNOT__EV_MUTEX_INIT, rc == thrd_success ? 0 : EINVAL, RA);
    return rc;
}

int cnd_init(cnd_t *c) {
    int rc = ((cnd_init_fn)knot__libc(&real_cnd_init, "cnd_init"))(c);
    knot__sync_made(c, KNOT__EV_COND_INIT, rc == thrd_success ? 0 : ENOMEM, RA);
    return rc;
}

void cnd_destroy(cnd_t *c) { (void)knot__cond_destroy((pthread_cond_t *)c, RA); }

void mtx_destroy(mtx_t *m) { (void)knot__mutex_destroy((pthread_mutex_t *)m, RA); }

int cnd_wait(cnd_t *c, mtx_t *m) {
    return thrd_result(knot__cond_wait((pthread_cond_t *)c, (pthread_mutex_t *)m, NULL, RA));
}

int cnd_timedwait(cnd_t *restrict c, mtx_t *restrict m, const struct timespec *restrict abstime) {
    return thrd_result(knot__cond_wait((pthread_cond_t *)c, (pthread_mutex_t *)m,
                                       &(knot__deadline){abstime, CLOCK_REALTIME, false}, RA));
}

int cnd_signal(cnd_t *c) { return thrd_result(knot__cond_signal((pthread_cond_t *)c, false, RA)); }

int cnd_broadcast(cnd_t *c) {
    return thrd_result(knot__cond_signal((pthread_cond_t *)c, true, RA));
}
