/* Timers: knot_after, knot_tick, knot_sleep.
 *
 * One runtime thread keeps a binary min-heap of deadlines and sleeps on a
 * futex with an absolute CLOCK_MONOTONIC timeout until the earliest. A timer
 * delivers with a non-blocking send into its channel (capacity 1), so a slow
 * reader makes a ticker drop ticks, as Go's does, and never stalls the other
 * timers. The timer holds its own reference to the channel, so freeing the
 * channel early is safe and simply cancels the timer.
 *
 * A pending timer counts for the deadlock detector: a task waiting on one is
 * asleep, not deadlocked. */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

typedef struct knot__timer {
    uint64_t when;
    uint64_t period; /* 0 for one-shot */
    knot_chan *ch;
    size_t index;                  /* position in the heap */
    struct knot__timer *next_done; /* fired one-shots, released after the lock */
} knot__timer;

static knot__lock timer_lock;
static knot__timer **heap;
static size_t heap_len, heap_cap;
static _Atomic uint32_t timer_seq; /* bumped to wake the timer thread */
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;

uint64_t knot_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- heap ------------------------------------------------------------------- */

static void heap_set(size_t i, knot__timer *t) {
    heap[i] = t;
    t->index = i;
}

static void sift_up(size_t i) {
    knot__timer *t = heap[i];
    while (i > 0 && heap[(i - 1) / 2]->when > t->when) {
        heap_set(i, heap[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    heap_set(i, t);
}

static void sift_down(size_t i) {
    knot__timer *t = heap[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= heap_len)
            break;
        if (c + 1 < heap_len && heap[c + 1]->when < heap[c]->when)
            c++;
        if (heap[c]->when >= t->when)
            break;
        heap_set(i, heap[c]);
        i = c;
    }
    heap_set(i, t);
}

static bool heap_push(knot__timer *t) {
    if (heap_len == heap_cap) {
        size_t cap = heap_cap ? heap_cap * 2 : 16;
        knot__timer **h = realloc(heap, cap * sizeof *h);
        if (!h)
            return false;
        heap = h;
        heap_cap = cap;
    }
    heap_set(heap_len++, t);
    sift_up(heap_len - 1);
    return true;
}

static void heap_remove(knot__timer *t) {
    size_t i = t->index;
    knot__timer *last = heap[--heap_len];
    if (i < heap_len) {
        heap_set(i, last);
        sift_down(i);
        sift_up(last->index);
    }
}

/* ---- the timer thread --------------------------------------------------------- */

static void fire(knot__timer *t, uint64_t now) {
    knot__waiter *wake = NULL;
    knot_chan *ch = t->ch;
    knot__lock_acquire(&ch->lock);
    knot__op op = {NULL, ch->made_at, KNOT__EV_CHAN_SEND, 0}; /* NULL: the runtime */
    (void)knot__chan_try_send(ch, &now, &wake, &op);          /* full: drop, as Go's ticker does */
    knot__lock_release(&ch->lock);
    knot__chan_wake(wake);
}

static void *timer_main(void *arg) {
    (void)arg;
    for (;;) {
        uint32_t seq = atomic_load_explicit(&timer_seq, memory_order_acquire);
        knot__lock_acquire(&timer_lock);
        uint64_t now = knot_now_ns();
        knot__timer *done = NULL;
        while (heap_len && heap[0]->when <= now) {
            knot__timer *t = heap[0];
            fire(t, now);
            if (t->period) {
                /* Missed periods are skipped rather than delivered in a burst. */
                t->when += t->period;
                if (t->when <= now)
                    t->when = now + t->period;
                sift_down(0);
            } else {
                heap_remove(t);
                t->ch->timer = NULL;
                t->next_done = done;
                done = t;
            }
        }
        uint64_t next = heap_len ? heap[0]->when : 0;
        knot__lock_release(&timer_lock);
        /* Drop the one-shot timers' references outside the lock. */
        while (done) {
            knot__timer *t = done;
            done = t->next_done;
            knot__chan_unref(t->ch);
            free(t);
            knot__timers_pending(-1);
        }
        if (next)
            (void)knot__futex_wait_until(&timer_seq, seq, next);
        else
            knot__futex_wait(&timer_seq, seq);
    }
    return NULL;
}

static void start_thread(void) {
    if (!knot__start_internal_thread(timer_main)) {
        static const char msg[] = "fatal error: knot: cannot start the timer thread\n";
        (void)!write(2, msg, sizeof msg - 1);
        abort();
    }
}

static knot_chan *timer_make(uint64_t ms, uint64_t period_ms, const knot_site *site) {
    pthread_once(&thread_once, start_thread);
    knot_chan *ch = knot_chan_make_at(sizeof(uint64_t), 1, site);
    knot__timer *t = calloc(1, sizeof *t);
    if (!ch || !t) {
        free(t);
        if (ch)
            knot__chan_unref(ch);
        return NULL;
    }
    uint64_t ns = ms > UINT64_MAX / 1000000u ? UINT64_MAX / 2 : ms * 1000000u;
    t->when = knot_now_ns() + ns;
    t->period = period_ms * 1000000u;
    t->ch = ch;
    atomic_fetch_add(&ch->refs, 1); /* the timer's own reference */
    ch->is_timer = true;
    (void)KNOT__TRACE(KNOT__EV_TIMER_MAKE, KNOT__POINT, knot__self(), ch->id, &ch->clock, site, ms,
                      period_ms);
    ch->timer = t;
    knot__timers_pending(1);
    knot__lock_acquire(&timer_lock);
    bool ok = heap_push(t);
    bool earliest = ok && heap[0] == t;
    knot__lock_release(&timer_lock);
    if (!ok) {
        knot__timers_pending(-1);
        ch->timer = NULL;
        knot__chan_unref(ch);
        knot__chan_unref(ch);
        free(t);
        return NULL;
    }
    if (earliest) {
        atomic_fetch_add_explicit(&timer_seq, 1, memory_order_release);
        knot__futex_wake(&timer_seq, 1);
    }
    return ch;
}

void knot__timer_cancel(knot_chan *ch) {
    knot__lock_acquire(&timer_lock);
    knot__timer *t = ch->timer;
    if (t) {
        heap_remove(t);
        ch->timer = NULL;
    }
    knot__lock_release(&timer_lock);
    if (t) {
        knot__chan_unref(ch);
        free(t);
        knot__timers_pending(-1);
    }
}

void knot__timers_fork(enum knot__fork_phase phase) {
    if (!knot__lock_fork(&timer_lock, phase))
        return;
    /* The timer thread is gone: the parent's timers are dropped (their
     * channels simply never fire here) and a new thread starts on the
     * child's first timer. */
    for (size_t i = 0; i < heap_len; i++)
        heap[i]->ch->timer = NULL;
    heap_len = 0;
    thread_once = (pthread_once_t)PTHREAD_ONCE_INIT;
}

knot_chan *knot_after_at(uint64_t ms, const knot_site *site) { return timer_make(ms, 0, site); }

knot_chan *knot_tick_at(uint64_t ms, const knot_site *site) {
    return ms ? timer_make(ms, ms, site) : NULL;
}

void knot_sleep_at(uint64_t ms, const knot_site *site) {
    knot_chan *ch = knot_after_at(ms, site);
    if (!ch) { /* out of memory: still honour the sleep */
        struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0)
            ;
        return;
    }
    (void)knot__chan_recv_op(ch, NULL, site, "sleep");
    knot_chan_free_at(ch, site);
}

knot_chan *knot_after(uint64_t ms) { return knot_after_at(ms, NULL); }
knot_chan *knot_tick(uint64_t ms) { return knot_tick_at(ms, NULL); }
void knot_sleep(uint64_t ms) { knot_sleep_at(ms, NULL); }
