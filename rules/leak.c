/* Rule `leak`: tasks still blocked when the program ended (goleak's question,
 * asked of a trace). Tasks of a deadlocked cycle are the deadlock rule's;
 * the rest are reported here, one finding per blocked operation and object,
 * with where the object was made and who else used it.
 *
 * A task waiting in a select on a ticker is not blocked: the ticker fires
 * for ever. But when every other case of that select is on a channel no
 * other task could still send on or close, the task loops on the ticker
 * forever, a leak goleak reports too. The trace says which channels a
 * select with a timer waits on (select_case events before its begin); any
 * other task still running at the end (not ended, not blocked forever) could
 * hold a channel's other end, and keeps the task silent.
 *
 * A thread parked on a condition variable or a semaphore is how a pool's
 * helper waits for work; a program that ends without shutting its pool down
 * leaves them there by design (xz, libuv). Such an idle thread is a note,
 * not a warning, unless another stuck task waits for it: for a lock it
 * holds, or in a join of it. */
#include "replay-waitfor.h"
#include "replay.h"
#include "util-xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The channels of each task's latest select with a timer among its cases. */
typedef struct cases {
    long long *v;
    size_t n, cap;
    bool open;       /* the task's last event was one of them: a case event adds to them */
    long long begin; /* the begin of the select they are the cases of */
    int since;       /* the task's events after that begin */
} cases;

typedef struct state {
    knot__findings *out;
    cases *tasks;
    size_t ntasks;
} state;

static void *start(const knot__replay *r, knot__findings *out) {
    state *s = knot__rule_state_new(sizeof(state), out);
    s->ntasks = r->ntasks;
    s->tasks = knot__xcalloc(r->ntasks ? r->ntasks : 1, sizeof *s->tasks);
    return s;
}

static void event(void *st, const knot__replay *r, const knot__event *e) {
    (void)r;
    state *s = st;
    if ((size_t)e->task >= s->ntasks)
        return;
    cases *c = &s->tasks[e->task];
    if (e->kind != KNOT_EV_SELECT_CASE) {
        if (c->open && e->kind == KNOT_EV_SELECT && e->phase == KNOT_BEGIN) {
            c->begin = e->seq;
            c->since = 0;
        } else {
            c->since++;
        }
        c->open = false;
        return;
    }
    if (!c->open)
        c->n = 0; /* a new select's cases */
    c->open = true;
    c->v = knot__xgrow(c->v, &c->cap, c->n + 1, sizeof *c->v);
    c->v[c->n++] = e->object;
}

/* A ticker: a timer channel that fired more than once and is still live. */
static bool ticker(const knot__replay *r, long long ch) {
    const knot__object_info *o = ch > 0 && (size_t)ch < r->nobjects ? &r->objects[ch] : NULL;
    return o && o->kind && strcmp(o->kind, "timer") == 0 && !o->freed && o->sent >= 2;
}

/* Could a task other than t still run, and so send on or close a channel
 * it holds? Any task alive at the end, not blocked forever, could. */
static bool others_running(const knot__replay *r, int t) {
    for (size_t u = 1; u < r->ntasks; u++) {
        const knot__task_info *ti = &r->tasks[u];
        if ((int)u == t || !ti->present || ti->last.kind == KNOT_EV_TASK_END || ti->ended)
            continue;
        if (ti->last.seq == 0 || !knot__replay_blocked_forever(r, (int)u))
            return true;
    }
    return false;
}

/* Task t waits in a select on a ticker whose other cases nothing can ever
 * make ready. */
static bool ticker_loop(const knot__replay *r, const cases *c, int t) {
    const knot__task_info *ti = &r->tasks[t];
    /* Waiting in that select, or just woken from it by a tick when the
     * program ended. */
    bool waiting = ti->blocked && ti->last.kind == KNOT_EV_SELECT && c->begin == ti->last.seq;
    bool ticked = c->since == 1 && ti->last.kind == KNOT_EV_SELECT && ti->last.phase == KNOT_END &&
                  ticker(r, ti->last.object);
    if (c->n == 0 || c->begin == 0 || !(waiting || ticked))
        return false;
    bool tick = false;
    for (size_t i = 0; i < c->n; i++)
        tick |= ticker(r, c->v[i]);
    for (size_t i = 0; i < c->n; i++) {
        const knot__object_info *o =
            c->v[i] > 0 && (size_t)c->v[i] < r->nobjects ? &r->objects[c->v[i]] : NULL;
        if (!ticker(r, c->v[i]) && (!o || o->closed || (o->kind && strcmp(o->kind, "timer") == 0)))
            return false; /* closed: ready for ever; another timer: it fires */
    }
    return tick && !others_running(r, t);
}

static void report_ticker(const knot__replay *r, int t, const cases *c, knot__findings *out) {
    const knot__task_info *ti = &r->tasks[t];
    knot__finding *f = knot__findings_add(
        out, knot__rule_leak.id, KNOT_WARNING, false, knot__replay_loc(r, ti->last.site),
        "task %d loops forever on a ticker: the other cases of its select are on channels no "
        "other task can still send on or close",
        t);
    f->seq = ti->last.seq;
    for (size_t i = 0; i < c->n; i++) {
        const knot__object_info *o = &r->objects[c->v[i]];
        if (!ticker(r, c->v[i]) && o->site > 0)
            knot__finding_relate(f, knot__replay_loc(r, o->site),
                                 "the channel of another case was made here; nothing can make "
                                 "it ready");
    }
    knot__replay_add_task(r, f, t);
}

static bool same_wait(const knot__task_info *a, const knot__task_info *b) {
    return a->last.site == b->last.site && a->last.object == b->last.object &&
           a->last.kind == b->last.kind;
}

/* Does another stuck task wait for t: for a mutex or rwlock t holds, or to
 * join t? */
static bool waited_for(const knot__replay *r, const knot__wfg *g, int t) {
    for (size_t u = 1; u < g->n; u++) {
        const knot__event *e = &r->tasks[u].last;
        if (!g->stuck[u] || (int)u == t)
            continue;
        if (e->kind == KNOT_EV_THREAD_JOIN && r->tasks[u].join_target == t)
            return true;
        bool locks = e->kind == KNOT_EV_MUTEX_LOCK || e->kind == KNOT_EV_MUTEX_TIMEDLOCK ||
                     e->kind == KNOT_EV_RW_WRLOCK || e->kind == KNOT_EV_RW_RDLOCK;
        if (locks && e->object > 0 && (size_t)e->object < r->nobjects &&
            r->objects[e->object].holder == t)
            return true;
    }
    return false;
}

/* A helper thread idle in a pool: parked on a condition variable or a
 * semaphore, and nothing stuck waits for it. */
static bool idle(const knot__replay *r, const knot__wfg *g, int t) {
    enum knot__ev k = r->tasks[t].last.kind;
    return (k == KNOT_EV_COND_WAIT || k == KNOT_EV_SEM_WAIT) && !waited_for(r, g, t);
}

/* The other end of a blocked channel operation, and its wording. */
static enum knot__ev partner_kind(enum knot__ev k, const char **what) {
    if (k == KNOT_EV_CHAN_SEND) {
        *what = "a receive from it ran here";
        return KNOT_EV_CHAN_RECV;
    }
    if (k == KNOT_EV_CHAN_RECV) {
        *what = "a send on it ran here";
        return KNOT_EV_CHAN_SEND;
    }
    *what = "it was used here";
    return KNOT_EV_OTHER;
}

static void relate_partners(const knot__replay *r, knot__finding *f, const knot__event *e) {
    if (e->object <= 0 || (size_t)e->object >= r->nobjects)
        return;
    const knot__object_info *o = &r->objects[e->object];
    if (o->site > 0)
        knot__finding_relate(f, knot__replay_loc(r, o->site), "the %s was made here",
                             o->kind && strcmp(o->kind, "chan") == 0 ? "channel" : o->kind);
    const char *what;
    enum knot__ev want = partner_kind(e->kind, &what);
    int shown = 0;
    for (size_t i = 0; i < o->nuses && shown < 3 && want != KNOT_EV_OTHER; i++) {
        if (o->uses[i].kind != want)
            continue;
        knot__finding_relate(f, knot__replay_loc(r, o->uses[i].site), "%s (task %d)", what,
                             o->uses[i].task);
        shown++;
    }
    if (o->holder > 0)
        knot__finding_relate(f, knot__replay_loc(r, o->held_site),
                             "task %d locked it here and never unlocked it", o->holder);
}

static void report(const knot__replay *r, const knot__wfg *g, int t, const bool *idles, bool *done,
                   knot__findings *out) {
    const knot__task_info *ti = &r->tasks[t];
    int count = 0;
    for (size_t u = (size_t)t; u < g->n; u++)
        if (g->stuck[u] && !g->cycle[u] && idles[u] == idles[t] && same_wait(ti, &r->tasks[u]))
            count++;
    char obj[320] = "";
    if (ti->last.kind == KNOT_EV_THREAD_JOIN)
        snprintf(obj, sizeof obj, " task %lld, which never ended", ti->join_target);
    else if (ti->last.object > 0) {
        obj[0] = ' ';
        knot__replay_describe(r, ti->last.object, obj + 1, sizeof obj - 1);
    } else if (ti->last.kind == KNOT_EV_CHAN_SEND || ti->last.kind == KNOT_EV_CHAN_RECV) {
        snprintf(obj, sizeof obj, " a nil channel, which nothing can ever make ready");
    }
    knot__loc at = knot__replay_loc(r, ti->last.site);
    const char *verb = knot__replay_verb(ti->last.kind);
    knot__finding *f;
    if (idles[t] && count == 1)
        f = knot__findings_add(out, knot__rule_leak.id, KNOT_NOTE, false, at,
                               "task %d was left idle %s%s (a helper the program did not shut "
                               "down)",
                               t, verb, obj);
    else if (idles[t])
        f = knot__findings_add(out, knot__rule_leak.id, KNOT_NOTE, false, at,
                               "%d tasks were left idle %s%s (helpers the program did not shut "
                               "down)",
                               count, verb, obj);
    else if (count == 1)
        f = knot__findings_add(out, knot__rule_leak.id, KNOT_WARNING, false, at,
                               "task %d is blocked forever %s%s", t, verb, obj);
    else
        f = knot__findings_add(out, knot__rule_leak.id, KNOT_WARNING, false, at,
                               "%d tasks are blocked forever %s%s", count, verb, obj);
    f->seq = ti->last.seq;
    relate_partners(r, f, &ti->last);
    for (size_t u = (size_t)t; u < g->n; u++)
        if (g->stuck[u] && !g->cycle[u] && idles[u] == idles[t] && same_wait(ti, &r->tasks[u])) {
            done[u] = true;
            knot__replay_add_task(r, f, (int)u);
        }
}

static void free_state(state *s) {
    for (size_t t = 0; t < s->ntasks; t++)
        free(s->tasks[t].v);
    free(s->tasks);
    free(s);
}

static void finish(void *st, const knot__replay *r, knot__findings *out) {
    state *s = st;
    if (!out) {
        free_state(s);
        return;
    }
    const knot__wfg *g = r->wfg;
    /* A hung program's blocked tasks are the deadlock rule's finding; a
     * program that panicked or crashed left its tasks wherever they were,
     * and the crash is the finding (as goleak checks only tests that pass). */
    if (!g->all_asleep && !r->crashed) {
        bool *done = knot__xcalloc(g->n ? g->n : 1, sizeof *done);
        bool *idles = knot__xcalloc(g->n ? g->n : 1, sizeof *idles);
        for (size_t t = 1; t < g->n; t++)
            idles[t] = g->stuck[t] && idle(r, g, (int)t);
        for (size_t t = 1; t < g->n; t++)
            if (g->stuck[t] && !g->cycle[t] && !done[t])
                report(r, g, (int)t, idles, done, out);
        for (size_t t = 1; t < g->n && t < s->ntasks && r->program_ended; t++)
            if (!g->stuck[t] && ticker_loop(r, &s->tasks[t], (int)t))
                report_ticker(r, (int)t, &s->tasks[t], out);
        free(idles);
        free(done);
    }
    free_state(s);
}

const knot__dynamic_check knot__check_leak = {&knot__rule_leak, start, event, finish};
