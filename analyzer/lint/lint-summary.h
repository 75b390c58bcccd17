/* Function summaries across translation units: which functions start a
 * task or thread with one of their parameters as its argument (spawn
 * wrappers such as pigz's launch() or libuv's uv_thread_create), however
 * many calls deep, wherever they are defined; and what every function does
 * with a channel it is given (sends, receives, closes), so that a helper
 * such as produce(ch) or drain(ch) in one file is seen at its callers in
 * another.
 *
 * Each translation unit lists, in the parallel pass, the calls that hand
 * on its functions' parameters (knot__lint_summarize); once every unit is
 * gathered, knot__lint_summary_build follows those calls from the spawning
 * functions outwards until nothing changes. The rules then ask
 * knot__lint_spawn_of about every call they look at. */
#ifndef KNOT_LINT_SUMMARY_H
#define KNOT_LINT_SUMMARY_H

#include "lint-facts.h"

/* A function that spawns with its own parameter as the task's argument;
 * or (arg -1) one that joins a thread or waits for a group and spawns
 * nothing, such as libuv's uv_thread_join. */
typedef struct knot__lint_wrapper {
    char name[64];
    const knot__lint_tu *tu; /* where it is defined */
    bool is_static;
    int arg;          /* the parameter the task gets; -1 for a joiner */
    int fn;           /* the parameter naming the task function, -1 */
    char task[64];    /* the task function, when the wrapper names it itself */
    const char *base; /* the spawning call it comes down to ("pthread_create") */
} knot__lint_wrapper;

/* What a function does with the channel it gets as parameter `param`,
 * through the functions it hands it to as well. */
enum {
    KNOT_LINT_USE_SEND = 1,        /* sends on it (a send that can block) */
    KNOT_LINT_USE_SENDS = 2,       /* more than once, or in a loop */
    KNOT_LINT_USE_RECV = 4,        /* receives from it, outside loops */
    KNOT_LINT_USE_RECV_ALL = 8,    /* in a loop that runs until the channel is closed */
    KNOT_LINT_USE_RECV_EARLY = 16, /* in a loop that can return or break early */
    KNOT_LINT_USE_CLOSE = 32,
    KNOT_LINT_USE_LOST = 64, /* hands it on where the linter cannot follow */
    KNOT_LINT_USE_RECEIVES = KNOT_LINT_USE_RECV | KNOT_LINT_USE_RECV_ALL | KNOT_LINT_USE_RECV_EARLY,
};

typedef struct knot__lint_chan_fn {
    char name[64];
    const knot__lint_tu *tu;
    bool is_static;
    int param;
    unsigned uses;
    int early_line;    /* the early receive loop's line */
    char early_in[64]; /* and the function it is in */
} knot__lint_chan_fn;

typedef struct knot__lint_summary {
    knot__lint_wrapper *v;
    size_t n;
    knot__lint_chan_fn *chans;
    size_t nchans;
    knot__lint_tu *const *tus; /* every unit, where task functions are looked up */
    size_t ntus;
} knot__lint_summary;

/* A call that starts a task, directly or through wrappers. */
typedef struct knot__lint_spawn {
    int arg;          /* the call's argument the task gets */
    int fn;           /* the call's argument naming the task function, -1 */
    const char *task; /* else the task function the wrapper names, "" if unknown */
    const char *base; /* knot_go, knot_go_copy, knot_group_go, pthread_create, thrd_create */
} knot__lint_spawn;

/* The calls of tu that pass on a parameter of their caller, with no wait
 * for the task after them, into tu->passes; its joiners into tu->joiners. */
void knot__lint_summarize(knot__lint_tu *tu);
/* Every wrapper of the n translation units (their passes listed). */
void knot__lint_summary_build(knot__lint_summary *s, knot__lint_tu *const *tus, size_t n);
void knot__lint_summary_free(knot__lint_summary *s);

/* Does a call to callee, made in tu, start a task? */
bool knot__lint_spawn_of(const knot__lint_tu *tu, const char *callee, knot__lint_spawn *out);
/* The task function a spawning call starts, or NULL when not named. */
const char *knot__lint_spawn_task(const knot__lint_call *call, const knot__lint_spawn *sp);
/* The function a call made in tu calls by name: tu's own, else one with
 * external linkage in another unit (its unit into *where); NULL if none. */
const knot__lint_func *knot__lint_find_callee(const knot__lint_tu *tu, const char *name,
                                              const knot__lint_tu **where);
/* Is an escape of a channel in f only its handing to a task through a
 * spawn wrapper (which the rules follow like a direct spawn)? */
bool knot__lint_escape_is_spawn(const knot__lint_tu *tu, const knot__lint_func *f,
                                const knot__lint_op *escape);
/* What the call at an escape of a channel in f (made in tu) does with it:
 * the callee's KNOT_LINT_USE_* flags for that argument, 0 for a function
 * that ignores it, KNOT_LINT_USE_LOST when the callee is unknown, a spawn,
 * or the escape is not a call. *via: the callee's summary, or NULL. */
unsigned knot__lint_escape_uses(const knot__lint_tu *tu, const knot__lint_func *f,
                                const knot__lint_op *escape, const knot__lint_chan_fn **via);
/* Does the call wait for a task (join, wait group, group, a receive)? */
bool knot__lint_is_wait(const char *callee);
/* The same, with the joiners of every unit: a call to callee made in tu. */
bool knot__lint_waits(const knot__lint_tu *tu, const char *callee);

#endif
