/* The replayer: streams a trace's events in sequence order, keeps the
 * happens-before order of the run in vector clocks (the Go memory model's
 * edges, plus the pthread ones), and the state every rule needs at the end:
 * what each task was doing, who held which lock, who used which object.
 *
 * Dynamic rules (in rules/) observe the stream through knot__dynamic_check
 * and add findings when it ends. Memory is bounded by tasks x live objects:
 * nothing is kept per event except sends still waiting for their receive. */
#ifndef KNOT_REPLAY_H
#define KNOT_REPLAY_H

#include "event-kinds.h"
#include "findings-rules.h"
#include "findings.h"
#include "replay-vclock.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

/* Event kinds, decoded from the trace's names (docs/trace-format.md) by the
 * table in event-kinds.h, with the journal's numbers. A kind the table
 * models as another arrives as that one: the spinlock kinds as the mutex
 * ones, and the kinds modelled as OTHER as KNOT_EV_OTHER. */
enum knot__ev {
    KNOT_EV_OTHER = 0, /* a kind this replayer does not model */
#define KNOT_EV_ENUM(num, name, text, replay) KNOT_EV_##name = (num),
    KNOT__EVENT_KINDS(KNOT_EV_ENUM)
#undef KNOT_EV_ENUM
};

enum knot__phase { KNOT_POINT = 0, KNOT_BEGIN = 1, KNOT_END = 2 };

/* One event as the rules see it. Optional columns are 0 when absent, with
 * the has_ flag saying so. */
typedef struct knot__event {
    long long seq;
    int task;
    long long object; /* 0: none */
    enum knot__ev kind;
    enum knot__phase phase;
    long long site; /* 0: none */
    long long matched, result, value;
    bool has_matched, has_result, has_value;
    knot__vc_t clock; /* the task's own clock at this event: (task, clock) is its epoch */
} knot__event;

/* A send or receive of a channel, for the cases where the direction of a
 * select that fired matters: a select that observed no event sent. */
static inline bool knot__event_is_send(const knot__event *e) {
    if (e->phase == KNOT_BEGIN)
        return false;
    return e->kind == KNOT_EV_CHAN_SEND ||
           ((e->kind == KNOT_EV_SELECT || e->kind == KNOT_EV_SELECT_NB) && e->object != 0 &&
            !e->has_matched);
}
static inline bool knot__event_is_recv(const knot__event *e) {
    if (e->phase == KNOT_BEGIN)
        return false;
    return e->kind == KNOT_EV_CHAN_RECV ||
           ((e->kind == KNOT_EV_SELECT || e->kind == KNOT_EV_SELECT_NB) && e->object != 0 &&
            e->has_matched);
}

/* Did this lock event take the lock? A robust mutex whose owner died is
 * taken too: its lock returns EOWNERDEAD (130) to say so. */
static inline bool knot__lock_taken(const knot__event *e) {
    return e->phase != KNOT_BEGIN && (!e->has_result || e->result == 0 || e->result == 130);
}

typedef struct knot__site_info {
    char *file, *function, *module;
    int line;
    unsigned long long address;
    long long *frames; /* a call chain's frames (sites), innermost first */
    size_t nframes;
} knot__site_info;

typedef struct knot__task_info {
    bool present;
    int parent;
    long long spawn_site, start_seq, end_seq;
    char *ended;    /* "returned", "panicked", "exited", or NULL */
    char *function; /* the function the task ran, when the trace shows it */
    /* Filled in by the replay: */
    knot__event last;      /* the task's last event */
    bool blocked;          /* its last operation began and never ended */
    bool timed;            /* ... and it was a timed wait (not blocked forever) */
    long long join_target; /* for a blocked join: the task being joined */
} knot__task_info;

/* Who used an object: one entry per (task, direction) the first time. */
typedef struct knot__use {
    int task;
    enum knot__ev kind; /* CHAN_SEND / CHAN_RECV (select folded in), CHAN_CLOSE, ... */
    long long site, seq;
} knot__use;

typedef struct knot__object_info {
    bool present;
    char *kind; /* "chan", "mutex", "wait group", ... */
    long long capacity, elem_size, site, made_seq;
    char *name;
    /* Filled in by the replay: */
    bool closed;
    long long close_seq, close_site;
    int close_task;
    int holder;          /* a mutex's or write-locked rwlock's owner task, 0 when free */
    int depth;           /* recursive depth of the holder */
    long long held_site; /* where the holder locked it */
    int undo_task, undo_holder, undo_depth; /* an unlock that may yet turn out to
                                             * have failed (its error row follows) */
    int readers;                            /* an rwlock's read holders */
    long long wg_counter;
    long long sent, received; /* values through a channel (its length: the difference) */
    int maker;                /* the task that made it (chan_make / timer_make) */
    bool freed;               /* chan_free ran */
    knot__use *uses;
    size_t nuses;
} knot__object_info;

typedef struct knot__replay knot__replay;

/* An edge of the happens-before model (replay-hb.c), told as the replay
 * joins a clock along it: the event seq from happened before the event seq
 * to. What pictures draw, so that they show the order the rules use. */
enum knot__hb_edge_kind {
    KNOT_HB_SPAWN,    /* go -> the child's start */
    KNOT_HB_JOIN,     /* a task's end -> the join that returns it */
    KNOT_HB_VALUE,    /* a send -> the receive that took its value */
    KNOT_HB_CLOSE,    /* a close -> a receive that saw the channel closed */
    KNOT_HB_RECEIVED, /* unbuffered: a receive -> the sender's next event (its send completed) */
    KNOT_HB_ROOM,     /* capacity C: the k-th receive -> the (k+C)-th send */
    KNOT_HB_UNLOCK,   /* an unlock -> a later lock */
    KNOT_HB_RELEASE,  /* a signal, post, wait group add or done, or barrier arrival -> the
                       * wait it ends; from each release no later one follows */
};

typedef struct knot__hb_edge {
    long long from, to;
    enum knot__hb_edge_kind kind;
} knot__hb_edge;

/* A dynamic rule's view of the stream: start() makes its state (and may keep
 * out, to add findings as events pass), event() sees every event in sequence
 * order after the replay's own state has been updated for it, finish() adds
 * the findings of the final state and frees the state. finish() gets a NULL
 * out when the replay failed. */
typedef struct knot__dynamic_check {
    const knot__rule *rule;
    void *(*start)(const knot__replay *r, knot__findings *out);
    void (*event)(void *state, const knot__replay *r, const knot__event *e);
    void (*finish)(void *state, const knot__replay *r, knot__findings *out);
} knot__dynamic_check;

/* Every dynamic rule's check (rules/rules.c, from rules.def). */
extern const knot__dynamic_check *const knot__dynamic_checks[];
extern const size_t knot__dynamic_checks_count;

struct knot__replay {
    const char *path;
    sqlite3 *db;
    knot__site_info *sites;
    size_t nsites;
    knot__task_info *tasks; /* indexed by task id; [0] is the runtime itself */
    size_t ntasks;
    knot__object_info *objects; /* indexed by object id */
    size_t nobjects;
    long long events;
    bool detector_fired;      /* the live detector reported every task asleep */
    bool crashed;             /* a panic, or a signal of the program's own, ended it */
    bool state_only;          /* set before knot__replay_run: follow the final state (for the
                               * wait-for graph) without the clocks */
    bool program_ended;       /* the main task ended, or exit was recorded */
    knot__vc_t **vc;          /* each task's current clock */
    knot__vc_t **vc_nolock;   /* the same without lock edges: what lock-order's
                               * goodlock filter asks ("ordered by other means?") */
    knot__vc_t **vc_unpaired; /* the same without the send/receive pairings of closed
                               * channels two or more tasks send on (NULL when the
                               * trace has none): what send-on-closed asks of
                               * "ordered whichever sender a receive took?" */
    struct knot__replay_hb *hb, *hb_nolock, *hb_unpaired; /* private to replay-hb.c */
    struct knot__wfg *wfg; /* the final state's wait-for graph (replay-waitfor.h), once run */
    /* Set before knot__replay_run, both optional: on_edge sees every edge of
     * the happens-before model as it is used, when the event it leads to is
     * replayed (so in the order of their `to`); the replay stops after event
     * until (0: at the end of the trace). */
    void (*on_edge)(void *ctx, const knot__hb_edge *edge);
    void *edge_ctx;
    long long until;
};

/* Open a trace (rejecting anything that is not one, with a one-line reason
 * in err) and load its tasks, objects and sites. */
int knot__replay_open(knot__replay *r, const char *path, char *err, size_t errsize);

/* The same over an open database (taken over, closed by knot__replay_close);
 * name is used in messages. */
int knot__replay_attach(knot__replay *r, sqlite3 *db, const char *name, char *err, size_t errsize);

/* Stream every event through the checks, then let each add its findings. */
int knot__replay_run(knot__replay *r, const knot__dynamic_check *const *checks, size_t n,
                     knot__findings *out, char *err, size_t errsize);

void knot__replay_close(knot__replay *r);

/* "file.c:12" for a site (the file's base name), or unknown. */
void knot__replay_site_text(const knot__replay *r, long long site, const char *unknown, char *out,
                            size_t size);

/* A zeroed rule state of size bytes whose first member is a knot__findings *
 * sink, set to out. */
void *knot__rule_state_new(size_t size, knot__findings *out);

/* ---- queries for rules ---- */

/* Did the event with epoch (task, clock) happen before task t's current
 * point in the stream? */
static inline bool knot__replay_hb(const knot__replay *r, int task, knot__vc_t clock, int t) {
    return r->vc[t] && r->vc[t][task] >= clock;
}
/* The same, counting no edge from unlock to lock. */
static inline bool knot__replay_hb_nolock(const knot__replay *r, int task, knot__vc_t clock,
                                          int t) {
    return r->vc_nolock[t] && r->vc_nolock[t][task] >= clock;
}

/* The same, counting no edge from a send to the receive that took its value
 * (nor back) on the channels the model without pairings covers. False when
 * the replay keeps no such model. */
static inline bool knot__replay_hb_unpaired(const knot__replay *r, int task, knot__vc_t clock,
                                            int t) {
    return r->vc_unpaired && r->vc_unpaired[t] && r->vc_unpaired[t][task] >= clock;
}

/* Does the model without pairings leave out channel ch's pairings? */
bool knot__replay_unpaired(const knot__replay *r, long long ch);

/* A location for a site id (0 gives an unknown location). */
knot__loc knot__replay_loc(const knot__replay *r, long long site);

/* "channel 'results' (unbuffered)" / "mutex 0x3" — a short description. */
void knot__replay_describe(const knot__replay *r, long long object, char *out, size_t size);

/* The kind an event's kind text names (n bytes), KNOT_EV_OTHER for one
 * the replayer does not model. */
enum knot__ev knot__replay_kind(const unsigned char *s, int n);

/* "send on", "receive from", "lock", ... for a blocked operation. */
const char *knot__replay_verb(enum knot__ev kind);

/* Attach task t (its spawn site) to f. */
void knot__replay_add_task(const knot__replay *r, knot__finding *f, int t);

/* Is a timer made by task maker (any task, for -1) still to fire at the end?
 * A knot_after timer is pending until it fires or is freed; one that fired
 * twice is a ticker, pending until freed. */
bool knot__replay_timer_pending(const knot__replay *r, int maker);

/* The tasks blocked forever at the end of the trace: blocked, not in a timed
 * wait (a timed lock or wait, a timer's receive, or a select while the task
 * has a timer pending: a select with a timeout). */
bool knot__replay_blocked_forever(const knot__replay *r, int t);

#endif
