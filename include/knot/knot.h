/*
 * knot — Go's concurrency model for C.
 *
 * Tasks (OS threads with Go's semantics around them), channels, select,
 * wait groups, timers and an errgroup. Every operation carries its call site
 * so that panics, the live deadlock detector and the offline checker can name
 * the user's line.
 *
 * Semantics follow the Go specification exactly ("Send statements",
 * "Receive operator", "Close", "Select statements"):
 *
 *   operation | nil channel    | open                        | closed
 *   send      | blocks forever | blocks until received/room  | panic
 *   recv      | blocks forever | blocks until a value        | drains, then false
 *   close     | panic          | wakes receivers and senders | panic
 *
 * Every function below is also a macro of the same name that passes the call
 * site; taking the address of a function (`&knot_chan_send`) or calling it in
 * parentheses (`(knot_chan_send)(ch, &v)`) reaches the plain function, which
 * reports "unknown site".
 */
#ifndef KNOT_KNOT_H
#define KNOT_KNOT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KNOT_VERSION_MAJOR 0
#define KNOT_VERSION_MINOR 1
#define KNOT_VERSION_PATCH 0
#define KNOT_VERSION       "0.1.0"

/* ---------------------------------------------------------------------------
 * Call sites
 * ------------------------------------------------------------------------- */

/* Where an operation was written. One static instance per call site, so a
 * pointer to it is a stable identity that costs one register to pass. */
typedef struct knot_site {
    const char *file;
    int line;
    const char *func;
} knot_site;

#if defined(__GNUC__) || defined(__clang__)
#define KNOT_SITE                                                            \
    (__extension__({                                                         \
        static const knot_site knot__site_ = {__FILE__, __LINE__, __func__}; \
        &knot__site_;                                                        \
    }))
#else
#define KNOT_SITE (&(const knot_site){__FILE__, __LINE__, __func__})
#endif

/* ---------------------------------------------------------------------------
 * Channels
 * ------------------------------------------------------------------------- */

/* An opaque channel. NULL is Go's nil channel. */
typedef struct knot_chan knot_chan;

/* Make a channel of elements of elem_size bytes; cap 0 is unbuffered.
 * elem_size may be 0 (a chan struct{}). Returns NULL only when out of memory. */
knot_chan *knot_chan_make(size_t elem_size, size_t cap);

/* Send *elem (elem_size bytes are copied). Blocks until a receiver takes it
 * (unbuffered) or there is room. Panics if the channel is or becomes closed. */
void knot_chan_send(knot_chan *ch, const void *elem);

/* Receive into *elem (may be NULL to discard). Returns true with a value, or
 * false with *elem zeroed once the channel is closed and drained. */
bool knot_chan_recv(knot_chan *ch, void *elem);

/* Close: blocked receivers get false, blocked senders panic. Closing a nil or
 * a closed channel panics. */
void knot_chan_close(knot_chan *ch);

/* Number of buffered elements, and the capacity (0 for nil). */
size_t knot_chan_len(knot_chan *ch);
size_t knot_chan_cap(knot_chan *ch);

/* Release the channel. Panics if a task is blocked on it. A nil channel is
 * ignored. Timer channels stop their timer when freed. */
void knot_chan_free(knot_chan *ch);

/* Label used in panics and reports (copied). */
void knot_chan_name(knot_chan *ch, const char *name);

/* ---------------------------------------------------------------------------
 * Select
 * ------------------------------------------------------------------------- */

enum knot_dir { KNOT_SEND = 1, KNOT_RECV = 2 };

/* One case of a select. For KNOT_SEND, elem points at the value to send; for
 * KNOT_RECV, where to store the value (may be NULL). A case on a nil channel
 * never fires. */
typedef struct knot_case {
    enum knot_dir dir;
    knot_chan *ch;
    void *elem;
    bool ok; /* set for a receive: false = closed and drained */
} knot_case;

/* Block until one case can proceed, run it and return its index. When several
 * are ready, one is chosen uniformly at random. With n == 0, or only nil
 * channels, blocks forever (Go's `select {}`). */
int knot_select(knot_case *cases, size_t n);

/* As knot_select, but return -1 at once when no case is ready (Go's default:). */
int knot_select_nb(knot_case *cases, size_t n);

/* Convenience initialisers for cases. */
#define KNOT_CASE_SEND(c, p) ((knot_case){KNOT_SEND, (c), (void *)(p), false})
#define KNOT_CASE_RECV(c, p) ((knot_case){KNOT_RECV, (c), (void *)(p), false})

/* ---------------------------------------------------------------------------
 * Tasks
 * ------------------------------------------------------------------------- */

/* Run fn(arg) in a new task. Returns 0 or an errno value (EAGAIN, ENOMEM).
 * As in Go, tasks still running when main returns are ended with the process.
 * A task is a coroutine with a stack of its own (64 KiB unless KNOT_STACK
 * says otherwise; an overflow is caught and reported), run by the scheduler
 * on KNOT_PROCS threads (default: the CPUs the process may use). A task may
 * resume on another thread after any blocking knot call, unless wired to its
 * thread: see knot_lock_thread. */
int knot_go(void (*fn)(void *), void *arg);

/* As knot_go, with a stack of stack_size bytes for this task alone. */
int knot_go_stack(void (*fn)(void *), void *arg, size_t stack_size);

/* As knot_go, but fn receives a private copy of the size bytes at arg, made
 * before knot_go returns and freed when fn returns: the safe way to hand a
 * loop variable to a task. */
int knot_go_copy(void (*fn)(void *), const void *arg, size_t size);

/* The current task's id: 1 for the main thread, then in spawn order. */
uint64_t knot_task_id(void);

/* Wire the calling task to its thread until the matching knot_unlock_thread
 * (calls nest), like Go's runtime.LockOSThread: while wired, a blocking knot
 * call keeps the thread, so thread-locals and pthread_self() stay the same.
 * Holding a pthread mutex or rwlock wires a task the same way, by itself. */
void knot_lock_thread(void);
void knot_unlock_thread(void);

/* errno belongs to the task: its value is kept across every switch. But a
 * task may resume on another thread, and C compilers keep the address of
 * the thread's errno across calls (glibc declares __errno_location const),
 * so code that includes this header reads errno through knot_errno(), which
 * they must call afresh. Define KNOT_NO_ERRNO_MACRO to keep libc's. */
int *knot_errno(void);
#ifndef KNOT_NO_ERRNO_MACRO
#undef errno
#define errno (*knot_errno())
#endif

/* ---------------------------------------------------------------------------
 * Wait groups
 * ------------------------------------------------------------------------- */

/* A wait group. Zero-initialise it (`knot_wg wg = {0};`) and it is ready, as
 * in Go. The fields are private. */
typedef struct knot_wg {
    int64_t knot__count;
    void *knot__waiters;
    uint32_t knot__lock;
    uint32_t knot__pad;
    uint64_t knot__id;
    uint64_t knot__zero_seq; /* traced: the add that last brought it to zero */
    uint64_t knot__clock;    /* traced: Lamport clock of its last event */
} knot_wg;

/* Add delta (may be negative) to the counter. A negative counter panics. */
void knot_wg_add(knot_wg *wg, int delta);
/* knot_wg_add(wg, -1). */
void knot_wg_done(knot_wg *wg);
/* Block until the counter is zero. */
void knot_wg_wait(knot_wg *wg);

/* ---------------------------------------------------------------------------
 * Timers
 * ------------------------------------------------------------------------- */

/* time.After: a channel (elem uint64_t, cap 1) that receives the monotonic
 * time in nanoseconds once, ms milliseconds from now. Free it with
 * knot_chan_free when done; freeing before it fires cancels the timer. */
knot_chan *knot_after(uint64_t ms);

/* time.Tick: a channel (elem uint64_t, cap 1) that receives the monotonic time
 * every ms milliseconds; ticks are dropped while the reader lags, as in Go.
 * ms == 0 returns NULL (a nil channel), as Go's time.Tick does for d <= 0.
 * knot_chan_free stops the ticker. */
knot_chan *knot_tick(uint64_t ms);

/* Monotonic clock in nanoseconds, the one timer values are read from. */
uint64_t knot_now_ns(void);

/* Sleep the calling task for ms milliseconds (a timer, not a deadlock). */
void knot_sleep(uint64_t ms);

/* ---------------------------------------------------------------------------
 * errgroup
 * ------------------------------------------------------------------------- */

/* An errgroup: tasks that return int (0 = success), the first failure, a done
 * channel for cancellation, and an optional parallelism limit. */
typedef struct knot_group knot_group;

/* Make a group; limit <= 0 means unlimited. Returns NULL when out of memory. */
knot_group *knot_group_make(int limit);

/* Run fn(arg, done) in a new task of the group, where done is
 * knot_group_done(g). Blocks while `limit` tasks of the group are running
 * (errgroup.SetLimit). A task that returns non-zero closes done. */
void knot_group_go(knot_group *g, int (*fn)(void *arg, knot_chan *done), void *arg);

/* Wait for every task of the group; return the first non-zero result (0 if
 * none); free g and its done channel. */
int knot_group_wait(knot_group *g);

/* Closed on the first non-zero result, or when knot_group_wait returns.
 * Valid until knot_group_wait returns. */
knot_chan *knot_group_done(knot_group *g);

/* ---------------------------------------------------------------------------
 * Site-carrying variants. The macros below route every call through these.
 * ------------------------------------------------------------------------- */

knot_chan *knot_chan_make_at(size_t elem_size, size_t cap, const knot_site *site);
void knot_chan_send_at(knot_chan *ch, const void *elem, const knot_site *site);
bool knot_chan_recv_at(knot_chan *ch, void *elem, const knot_site *site);
void knot_chan_close_at(knot_chan *ch, const knot_site *site);
void knot_chan_free_at(knot_chan *ch, const knot_site *site);
int knot_select_at(knot_case *cases, size_t n, const knot_site *site);
int knot_select_nb_at(knot_case *cases, size_t n, const knot_site *site);
int knot_go_at(void (*fn)(void *), void *arg, const knot_site *site);
int knot_go_copy_at(void (*fn)(void *), const void *arg, size_t size, const knot_site *site);
int knot_go_stack_at(void (*fn)(void *), void *arg, size_t stack_size, const knot_site *site);
void knot_wg_add_at(knot_wg *wg, int delta, const knot_site *site);
void knot_wg_done_at(knot_wg *wg, const knot_site *site);
void knot_wg_wait_at(knot_wg *wg, const knot_site *site);
knot_chan *knot_after_at(uint64_t ms, const knot_site *site);
knot_chan *knot_tick_at(uint64_t ms, const knot_site *site);
void knot_sleep_at(uint64_t ms, const knot_site *site);
knot_group *knot_group_make_at(int limit, const knot_site *site);
void knot_group_go_at(knot_group *g, int (*fn)(void *arg, knot_chan *done), void *arg,
                      const knot_site *site);
int knot_group_wait_at(knot_group *g, const knot_site *site);

#ifndef KNOT_NO_SITE_MACROS
#define knot_chan_make(elem_size, cap) knot_chan_make_at((elem_size), (cap), KNOT_SITE)
#define knot_chan_send(ch, elem)       knot_chan_send_at((ch), (elem), KNOT_SITE)
#define knot_chan_recv(ch, elem)       knot_chan_recv_at((ch), (elem), KNOT_SITE)
#define knot_chan_close(ch)            knot_chan_close_at((ch), KNOT_SITE)
#define knot_chan_free(ch)             knot_chan_free_at((ch), KNOT_SITE)
#define knot_select(cases, n)          knot_select_at((cases), (n), KNOT_SITE)
#define knot_select_nb(cases, n)       knot_select_nb_at((cases), (n), KNOT_SITE)
#define knot_go(fn, arg)               knot_go_at((fn), (arg), KNOT_SITE)
#define knot_go_copy(fn, arg, size)    knot_go_copy_at((fn), (arg), (size), KNOT_SITE)
#define knot_go_stack(fn, arg, size)   knot_go_stack_at((fn), (arg), (size), KNOT_SITE)
#define knot_wg_add(wg, delta)         knot_wg_add_at((wg), (delta), KNOT_SITE)
#define knot_wg_done(wg)               knot_wg_done_at((wg), KNOT_SITE)
#define knot_wg_wait(wg)               knot_wg_wait_at((wg), KNOT_SITE)
#define knot_after(ms)                 knot_after_at((ms), KNOT_SITE)
#define knot_tick(ms)                  knot_tick_at((ms), KNOT_SITE)
#define knot_sleep(ms)                 knot_sleep_at((ms), KNOT_SITE)
#define knot_group_make(limit)         knot_group_make_at((limit), KNOT_SITE)
#define knot_group_go(g, fn, arg)      knot_group_go_at((g), (fn), (arg), KNOT_SITE)
#define knot_group_wait(g)             knot_group_wait_at((g), KNOT_SITE)
#endif

#ifdef __cplusplus
}
#endif

#endif /* KNOT_KNOT_H */
