/* Rule `lock-misuse`: pthread locks and condition variables used against
 * their contract — what Helgrind calls pthread API misuse:
 *   unlock of an unlocked mutex, unlock by a task that does not hold it,
 *   relock of a non-recursive mutex by its holder, destroy while locked,
 *   a task ending while it holds a lock, a cond wait without its mutex,
 *   and one condition variable used with two mutexes.
 * Read-write locks the same way: an unlock when nobody holds one, an unlock
 * of a write lock by another task, a relock by the writer, a task ending
 * with one held.
 * Ownership is followed from the trace itself: a lock that succeeded while
 * its task already held the mutex shows the mutex is recursive. */
#include "replay.h"
#include "util-xalloc.h"

#include <stdlib.h>

#define EDEADLK_ 35 /* Linux errno values, as traces record them */
#define EBUSY_   16

typedef struct reader {
    int task, count;
    long long site; /* where it first took its read lock */
} reader;

typedef struct mutex_state {
    int owner, depth;
    long long site;       /* where the owner locked it */
    long long cond_mutex; /* for a cond: the mutex of its first wait */
    reader *readers;      /* an rwlock's read holders */
    size_t nreaders;
} mutex_state;

/* An unlock that looked wrong, held back one event: if the same task's next
 * event is a cond wait on that mutex, the real mistake is the wait. */
typedef struct pending {
    bool set;
    long long mutex, site, seq;
    int owner, depth;
} pending;

/* A lock a task still held when it ended, reported at the end of the trace
 * unless a later locker makes the (robust) mutex consistent: an owner's
 * death is then what the robust mutex is for, handled as intended. */
typedef struct abandoned {
    long long seq, site, object;
    int task;
    const char *what;
} abandoned;

typedef struct state {
    knot__findings *out;
    abandoned *gone;
    size_t ngone;
    mutex_state *objs;
    size_t nobjs;
    pending *pend; /* by task */
    size_t ntasks;
} state;

static void *start(const knot__replay *r, knot__findings *out) {
    state *s = knot__rule_state_new(sizeof(state), out);
    s->ntasks = r->ntasks;
    s->pend = knot__xcalloc(r->ntasks ? r->ntasks : 1, sizeof *s->pend);
    return s;
}

static mutex_state *obj(state *s, long long id) {
    s->objs = knot__xgrow(s->objs, &s->nobjs, (size_t)id + 1, sizeof *s->objs);
    return &s->objs[id];
}

/* The read holds of task t on m, or NULL. */
static reader *reader_of(mutex_state *m, int t) {
    for (size_t i = 0; i < m->nreaders; i++)
        if (m->readers[i].task == t)
            return &m->readers[i];
    return NULL;
}

static knot__finding *misuse(state *s, const knot__replay *r, long long seq, long long site,
                             int task, const char *what, long long object) {
    char d[320];
    knot__replay_describe(r, object, d, sizeof d);
    knot__finding *f = knot__findings_add(s->out, knot__rule_lock_misuse.id, KNOT_WARNING, false,
                                          knot__replay_loc(r, site), "%s %s", what, d);
    f->seq = seq;
    knot__replay_add_task(r, f, task);
    return f;
}

static void flush(state *s, const knot__replay *r, int task) {
    pending *p = &s->pend[task];
    if (!p->set)
        return;
    p->set = false;
    if (p->owner == 0) {
        misuse(s, r, p->seq, p->site, task, "unlock of unlocked", p->mutex);
    } else {
        knot__finding *f =
            misuse(s, r, p->seq, p->site, task, "unlock by a task that does not hold", p->mutex);
        knot__finding_relate(f, knot__replay_loc(r, obj(s, p->mutex)->site),
                             "task %d holds it, locked here", p->owner);
        knot__replay_add_task(r, f, p->owner);
    }
}

static void locked(state *s, const knot__replay *r, const knot__event *e) {
    mutex_state *m = obj(s, e->object);
    if (e->phase == KNOT_BEGIN) {
        if (m->owner == e->task) { /* a normal mutex: this waits for itself */
            knot__finding *f = misuse(s, r, e->seq, e->site, e->task,
                                      "relock, by its holder, of non-recursive", e->object);
            knot__finding_relate(f, knot__replay_loc(r, m->site), "the task locked it first here");
        }
        return;
    }
    if (e->has_result && e->result == EDEADLK_) {
        knot__finding *f = misuse(s, r, e->seq, e->site, e->task,
                                  "relock, by its holder, of non-recursive", e->object);
        knot__finding_relate(f, knot__replay_loc(r, m->site), "the task locked it first here");
        return;
    }
    if (!knot__lock_taken(e))
        return; /* busy or timed out: not taken */
    if (m->owner == e->task) {
        m->depth++;
    } else {
        m->owner = e->task;
        m->depth = 1;
        m->site = e->site;
    }
}

static void unlocked(state *s, const knot__replay *r, const knot__event *e) {
    mutex_state *m = obj(s, e->object);
    bool failed = e->has_result && e->result != 0;
    pending *p = &s->pend[e->task];
    if (failed && p->set && p->mutex == e->object) {
        /* The error row of the unlock just held back: libc refused it, so
         * the mutex still has its owner; the misuse stays reported once. */
        m->owner = p->owner;
        m->depth = p->depth;
        return;
    }
    flush(s, r, e->task);
    if (m->owner == e->task && !failed) {
        if (--m->depth <= 0)
            m->owner = m->depth = 0;
        return;
    }
    if (m->owner == e->task)
        return;
    s->pend[e->task] = (pending){true, e->object, e->site, e->seq, m->owner, m->depth};
    if (!failed) /* the unlock went through: nobody holds it now */
        m->owner = m->depth = 0;
}

static void cond_wait(state *s, const knot__replay *r, const knot__event *e) {
    pending *p = &s->pend[e->task];
    long long mutex = e->has_value ? e->value : 0;
    if (p->set && p->mutex == mutex) {
        p->set = false;
        misuse(s, r, e->seq, e->site, e->task, "cond wait without holding its mutex: wait on",
               e->object);
    }
    mutex_state *c = obj(s, e->object);
    if (mutex && c->cond_mutex && c->cond_mutex != mutex) {
        knot__finding *f = misuse(s, r, e->seq, e->site, e->task,
                                  "condition variable used with two mutexes:", e->object);
        knot__finding_relate(f, knot__replay_loc(r, c->site), "an earlier wait used another mutex");
    } else if (mutex && !c->cond_mutex) {
        c->cond_mutex = mutex;
        c->site = e->site;
    }
}

static void abandon(state *s, const knot__event *e, long long site, long long object,
                    const char *what) {
    abandoned *v = knot__xrealloc(s->gone, (s->ngone + 1) * sizeof *v);
    s->gone = v;
    s->gone[s->ngone++] = (abandoned){e->seq, site, object, e->task, what};
}

/* A locker that got EOWNERDEAD repaired the mutex: its dead owner's hold
 * was handled. */
static void made_consistent(state *s, const knot__event *e) {
    if (e->has_result && e->result != 0)
        return;
    size_t k = 0;
    for (size_t i = 0; i < s->ngone; i++)
        if (s->gone[i].object != e->object)
            s->gone[k++] = s->gone[i];
    s->ngone = k;
}

static void task_ended(state *s, const knot__event *e) {
    /* Main's end is the program's: its return or an exit() on its thread. */
    bool main_task = e->task == 1;
    for (size_t i = 1; i < s->nobjs; i++) {
        mutex_state *m = &s->objs[i];
        if (m->owner == e->task) {
            abandon(s, e, m->site, (long long)i,
                    main_task ? "program ended (main returned or called exit) while main still "
                                "holds"
                              : "task ended while still holding");
            m->owner = m->depth = 0;
        }
        reader *rd = reader_of(m, e->task);
        if (rd) {
            abandon(s, e, rd->site, (long long)i,
                    main_task ? "program ended (main returned or called exit) while main still "
                                "read-holds"
                              : "task ended while still read-holding");
            *rd = m->readers[--m->nreaders];
        }
    }
}

static void read_locked(state *s, const knot__replay *r, const knot__event *e) {
    mutex_state *m = obj(s, e->object);
    if (e->has_result && e->result == EDEADLK_) { /* glibc: a read lock by the writer */
        knot__finding *f = misuse(s, r, e->seq, e->site, e->task,
                                  "read lock, by its writer, of write-locked", e->object);
        knot__finding_relate(f, knot__replay_loc(r, m->site), "the task write-locked it here");
        return;
    }
    if (!knot__lock_taken(e))
        return;
    reader *rd = reader_of(m, e->task);
    if (rd) {
        rd->count++;
        return;
    }
    reader *v = knot__xrealloc(m->readers, (m->nreaders + 1) * sizeof *v);
    m->readers = v;
    m->readers[m->nreaders++] = (reader){e->task, 1, e->site};
}

/* An rwlock unlock ends the task's write hold, or one of its read holds.
 * With neither, it is a misuse: of an unlocked rwlock, or of one another
 * task has write-locked. A task that unlocks another's read hold is not
 * told apart from a reader: glibc counts readers, not which ones. */
static void rw_unlocked(state *s, const knot__replay *r, const knot__event *e) {
    mutex_state *m = obj(s, e->object);
    if (m->owner == e->task) {
        if (--m->depth <= 0)
            m->owner = m->depth = 0;
        return;
    }
    reader *rd = reader_of(m, e->task);
    if (!rd && m->owner == 0 && m->nreaders > 0)
        rd = &m->readers[0];
    if (rd) {
        if (--rd->count <= 0)
            *rd = m->readers[--m->nreaders];
        return;
    }
    if (m->owner == 0) {
        misuse(s, r, e->seq, e->site, e->task, "unlock of unlocked", e->object);
        return;
    }
    knot__finding *f =
        misuse(s, r, e->seq, e->site, e->task, "unlock by a task that does not hold", e->object);
    knot__finding_relate(f, knot__replay_loc(r, m->site),
                         "task %d holds it for writing, locked here", m->owner);
    knot__replay_add_task(r, f, m->owner);
    m->owner = m->depth = 0; /* glibc let it go */
}

static void event(void *st, const knot__replay *r, const knot__event *e) {
    state *s = st;
    if ((size_t)e->task >= s->ntasks)
        return;
    if (e->kind == KNOT_EV_COND_WAIT && e->phase != KNOT_END) {
        cond_wait(s, r, e);
        return;
    }
    if (e->kind != KNOT_EV_MUTEX_UNLOCK) /* an unlock's error row may follow it */
        flush(s, r, e->task);
    switch (e->kind) {
    case KNOT_EV_MUTEX_LOCK:
    case KNOT_EV_MUTEX_TRYLOCK:
    case KNOT_EV_MUTEX_TIMEDLOCK:
        locked(s, r, e);
        break;
    case KNOT_EV_MUTEX_UNLOCK:
        unlocked(s, r, e);
        break;
    case KNOT_EV_RW_WRLOCK:
        if (e->object > 0)
            locked(s, r, e);
        break;
    case KNOT_EV_RW_RDLOCK:
        if (e->object > 0)
            read_locked(s, r, e);
        break;
    case KNOT_EV_RW_UNLOCK:
        if (e->object > 0)
            rw_unlocked(s, r, e);
        break;
    case KNOT_EV_MUTEX_DESTROY:
        if (e->object > 0 && (obj(s, e->object)->owner != 0 || e->result == EBUSY_)) {
            knot__finding *f =
                misuse(s, r, e->seq, e->site, e->task, "destroy of locked", e->object);
            if (obj(s, e->object)->owner)
                knot__finding_relate(f, knot__replay_loc(r, obj(s, e->object)->site),
                                     "task %d locked it here", obj(s, e->object)->owner);
        }
        break;
    case KNOT_EV_TASK_END:
        task_ended(s, e);
        break;
    case KNOT_EV_MUTEX_CONSISTENT:
        made_consistent(s, e);
        break;
    default:
        break;
    }
}

static void finish(void *st, const knot__replay *r, knot__findings *out) {
    state *s = st;
    for (size_t t = 0; out && t < s->ntasks; t++)
        flush(s, r, (int)t);
    for (size_t i = 0; out && i < s->ngone; i++)
        misuse(s, r, s->gone[i].seq, s->gone[i].site, s->gone[i].task, s->gone[i].what,
               s->gone[i].object);
    free(s->gone);
    for (size_t i = 0; i < s->nobjs; i++)
        free(s->objs[i].readers);
    free(s->objs);
    free(s->pend);
    free(s);
}

const knot__dynamic_check knot__check_lock_misuse = {&knot__rule_lock_misuse, start, event, finish};
