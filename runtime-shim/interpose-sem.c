/* Interposed POSIX semaphores (sem_init, sem_post, sem_wait, sem_trywait,
 * sem_timedwait, sem_destroy).
 *
 * A semaphore's units are indistinguishable, so which post a wait "took" is
 * knot's choice, made the way a FIFO queue of units would: the initial units
 * first, then the posts in the order they were recorded. Each wait's event
 * names that post. A post is recorded (and queued) before libc's sem_post
 * makes its unit available, and a wait after libc's sem_wait returns, both
 * under the entry's lock of the side table, so a post always comes before
 * the wait that names it, on the semaphore and in the trace.
 *
 * A wait that must block (its sem_trywait failed) writes a begin, counts as
 * blocked for the live detector unless it is timed, and writes an end. */
#include "internal.h"

#include <errno.h>
#include <semaphore.h>

typedef int (*sem_fn)(sem_t *);
typedef int (*sem_timed_fn)(sem_t *, const struct timespec *);
typedef int (*sem_clock_fn)(sem_t *, clockid_t, const struct timespec *);
typedef int (*sem_init_fn)(sem_t *, int, unsigned);

static _Atomic(void *) real_init, real_post, real_wait, real_trywait, real_timedwait,
    real_clockwait, real_destroy;

#define REAL_SEM(slot, type, name) ((type)knot__libc(&(slot), (name)))

/* The post ring holds at most this many units; past it, posts go unqueued
 * and later waits name no post (they are not wrong, only unmatched). */
#define MAX_QUEUED (1u << 16)

static void queue_post(knot__sync_info *i, uint64_t post) {
    if (i->posts_len == i->posts_cap) {
        uint32_t cap = i->posts_cap ? i->posts_cap * 2 : 512; /* a page */
        uint64_t *ring = cap <= MAX_QUEUED ? knot__ring_alloc(cap) : NULL;
        if (!ring)
            return;
        for (uint32_t k = 0; k < i->posts_len; k++)
            ring[k] = i->posts[(i->posts_head + k) % i->posts_cap];
        knot__ring_free(i->posts, i->posts_cap);
        i->posts = ring;
        i->posts_cap = cap;
        i->posts_head = 0;
    }
    i->posts[(i->posts_head + i->posts_len++) % i->posts_cap] = post;
}

/* A failed sem_post added no unit: take back the one it queued, if no wait
 * has taken it yet. */
static void unqueue_post(knot__sync_info *i, uint64_t post) {
    if (i->posts_len && i->posts[(i->posts_head + i->posts_len - 1) % i->posts_cap] == post)
        i->posts_len--;
}

/* The post whose unit a successful wait took: 0 for an initial unit, or
 * when none is known. */
static uint64_t take_unit(knot__sync_info *i) {
    if (i->initial_units) {
        i->initial_units--;
        return 0;
    }
    if (!i->posts_len)
        return 0;
    uint64_t post = i->posts[i->posts_head];
    i->posts_head = (i->posts_head + 1) % i->posts_cap;
    i->posts_len--;
    return post;
}

/* Record an event on s (when tracing), keeping errno. err: 0 or the errno
 * of a failure. A wait's end or point that succeeded takes a unit and names
 * its post. */
static uint64_t record(sem_t *s, uint16_t kind, uint8_t phase, int err, const void *ra) {
    int saved = errno;
    knot__task *self = knot__self();
    knot__recording++;
    knot__sync_info *i = knot__sync_info_locked(s);
    if (!i) {
        knot__recording--;
        errno = saved;
        return 0;
    }
    bool waits = kind != KNOT__EV_SEM_POST && kind != KNOT__EV_SEM_DESTROY;
    uint64_t matched = waits && phase != KNOT__BEGIN && err == 0 ? take_unit(i) : 0;
    uint64_t id = knot__emit_at(kind, phase, self, i->id, phase == KNOT__BEGIN ? NULL : &i->clock,
                                ra, matched, (uint64_t)err);
    if (kind == KNOT__EV_SEM_POST && err == 0)
        queue_post(i, id);
    if (kind == KNOT__EV_SEM_DESTROY && err == 0)
        knot__sync_info_renew(i);
    knot__lock_release(&i->lock);
    knot__recording--;
    errno = saved;
    return id;
}

int sem_init(sem_t *s, int pshared, unsigned value) {
    int rc = REAL_SEM(real_init, sem_init_fn, "sem_init")(s, pshared, value);
    knot__sync_info *i = knot__sync_info_locked(s);
    if (i) {
        int err = rc ? errno : 0;
        knot__sync_info_renew(i);
        i->initial_units = rc ? 0 : value;
        knot__emit_at(KNOT__EV_SEM_INIT, KNOT__POINT, knot__self(), i->id, &i->clock,
                      __builtin_return_address(0), value, (uint64_t)err);
        knot__lock_release(&i->lock);
    }
    return rc;
}

/* sem_post is async-signal-safe, so signal handlers call it, even one that
 * interrupted this thread inside the recorder, which must not be entered
 * again: that post goes unrecorded. Otherwise the traced path takes no lock
 * but the entry's, which only the recorder holds, and queues the post in
 * memory from mmap, not malloc. */
int sem_post(sem_t *s) {
    const void *ra = __builtin_return_address(0);
    bool traced = KNOT__UNLIKELY(knot__tracing) && !knot__recording;
    uint64_t post = traced ? record(s, KNOT__EV_SEM_POST, KNOT__POINT, 0, ra) : 0;
    int rc = REAL_SEM(real_post, sem_fn, "sem_post")(s);
    if (rc && post) { /* as for a failed unlock: a second row with the error */
        int err = errno;
        knot__sync_info *i = knot__sync_info_locked(s);
        if (i) {
            unqueue_post(i, post);
            knot__lock_release(&i->lock);
        }
        (void)record(s, KNOT__EV_SEM_POST, KNOT__POINT, err, ra);
        errno = err;
    }
    return rc;
}

/* Whether s is process-shared (sem_open, or sem_init's pshared): glibc's
 * sem_t holds its futexes' FUTEX_SHARED flag after the value word(s). */
static bool shared(const sem_t *s) {
    return KNOT__PSHARED(((const int *)(const void *)s)[__WORDSIZE == 64 ? 2 : 1], 128);
}

/* sem_wait (no deadline), sem_timedwait and sem_clockwait: a sem_trywait
 * first, which takes a free unit exactly as they would; only when none is
 * free, libc's blocking call. errno is what that call leaves. */
static int wait_common(sem_t *s, uint16_t kind, const knot__deadline *d, const void *ra) {
    int saved = errno;
    if (REAL_SEM(real_trywait, sem_fn, "sem_trywait")(s) == 0) {
        if (KNOT__UNLIKELY(knot__tracing))
            (void)record(s, kind, KNOT__POINT, 0, ra);
        errno = saved;
        return 0;
    }
    errno = saved;
    if (KNOT__UNLIKELY(knot__tracing))
        (void)record(s, kind, KNOT__BEGIN, 0, ra);
    int rc;
    if (d && d->clocked) {
        rc = REAL_SEM(real_clockwait, sem_clock_fn, "sem_clockwait")(s, d->clock, d->abstime);
    } else if (d) {
        rc = REAL_SEM(real_timedwait, sem_timed_fn, "sem_timedwait")(s, d->abstime);
    } else {
        knot__task *self = knot__self();
        bool counted = knot__block_self_begin(self, "semaphore wait", ra, shared(s));
        rc = REAL_SEM(real_wait, sem_fn, "sem_wait")(s);
        knot__block_self_end(self, counted);
    }
    if (KNOT__UNLIKELY(knot__tracing))
        (void)record(s, kind, KNOT__END, rc ? errno : 0, ra);
    return rc;
}

int sem_wait(sem_t *s) {
    return wait_common(s, KNOT__EV_SEM_WAIT, NULL, __builtin_return_address(0));
}

int sem_timedwait(sem_t *s, const struct timespec *abstime) {
    return wait_common(s, KNOT__EV_SEM_TIMEDWAIT, &(knot__deadline){abstime, CLOCK_REALTIME, false},
                       __builtin_return_address(0));
}

int sem_clockwait(sem_t *s, clockid_t clock, const struct timespec *abstime) {
    return wait_common(s, KNOT__EV_SEM_TIMEDWAIT, &(knot__deadline){abstime, clock, true},
                       __builtin_return_address(0));
}

/* A call that never blocks, recorded as one event with its result. */
static int point_call(sem_t *s, _Atomic(void *) *slot, const char *name, uint16_t kind,
                      const void *ra) {
    int rc = ((sem_fn)knot__libc(slot, name))(s);
    if (KNOT__UNLIKELY(knot__tracing))
        (void)record(s, kind, KNOT__POINT, rc ? errno : 0, ra);
    return rc;
}

int sem_trywait(sem_t *s) {
    return point_call(s, &real_trywait, "sem_trywait", KNOT__EV_SEM_TRYWAIT,
                      __builtin_return_address(0));
}

int sem_destroy(sem_t *s) {
    return point_call(s, &real_destroy, "sem_destroy", KNOT__EV_SEM_DESTROY,
                      __builtin_return_address(0));
}
