/* Building the final state's wait-for graph; see replay-waitfor.h. */
#include "replay-waitfor.h"
#include "replay-scc.h"
#include "util-xalloc.h"

#include <stdlib.h>
#include <string.h>

bool knot__wfg_alive(const knot__replay *r, int t) {
    return t > 0 && (size_t)t < r->ntasks && r->tasks[t].present && !r->tasks[t].ended;
}

static void add_rel(knot__wfg *g, int t, int who) {
    for (size_t i = 0; i < g->nrel[t]; i++)
        if (g->rel[t][i] == who)
            return;
    int *v = knot__xrealloc(g->rel[t], (g->nrel[t] + 1) * sizeof *v);
    g->rel[t] = v;
    v[g->nrel[t]++] = who;
}

/* Every live task other than t that used obj in one of the given ways. */
static void users(const knot__replay *r, knot__wfg *g, int t, long long obj, enum knot__ev a,
                  enum knot__ev b) {
    if (obj <= 0 || (size_t)obj >= r->nobjects)
        return;
    const knot__object_info *o = &r->objects[obj];
    for (size_t i = 0; i < o->nuses; i++) {
        const knot__use *u = &o->uses[i];
        if ((u->kind == a || u->kind == b) && u->task != t && knot__wfg_alive(r, u->task))
            add_rel(g, t, u->task);
    }
}

static void releasers(const knot__replay *r, knot__wfg *g, int t) {
    const knot__event *e = &r->tasks[t].last;
    const knot__object_info *o =
        e->object > 0 && (size_t)e->object < r->nobjects ? &r->objects[e->object] : NULL;
    switch (e->kind) {
    case KNOT_EV_MUTEX_LOCK:
    case KNOT_EV_MUTEX_TIMEDLOCK:
    case KNOT_EV_RW_WRLOCK:
    case KNOT_EV_RW_RDLOCK:
        if (o && o->holder > 0)
            add_rel(g, t, o->holder); /* the holder itself, for a relock */
        if (o && o->readers > 0)      /* read holders are not tracked one by one */
            users(r, g, t, e->object, KNOT_EV_MUTEX_LOCK, KNOT_EV_MUTEX_LOCK);
        break;
    case KNOT_EV_CHAN_SEND:
        users(r, g, t, e->object, KNOT_EV_CHAN_RECV, KNOT_EV_CHAN_RECV);
        break;
    case KNOT_EV_CHAN_RECV:
        users(r, g, t, e->object, KNOT_EV_CHAN_SEND, KNOT_EV_CHAN_CLOSE);
        break;
    case KNOT_EV_WG_WAIT:
        users(r, g, t, e->object, KNOT_EV_WG_ADD, KNOT_EV_WG_ADD);
        break;
    case KNOT_EV_COND_WAIT:
    case KNOT_EV_SEM_WAIT:
        /* A program that ended by itself left its pool's helpers waiting
         * for work from tasks now gone: the leak rule's idle helpers, not a
         * cycle among themselves (they signal each other only as work
         * passes through). A hung program's are judged by who is left. */
        if (r->program_ended && !r->detector_fired)
            break;
        if (e->kind == KNOT_EV_COND_WAIT)
            users(r, g, t, e->object, KNOT_EV_COND_SIGNAL, KNOT_EV_COND_BROADCAST);
        else
            users(r, g, t, e->object, KNOT_EV_SEM_POST, KNOT_EV_SEM_POST);
        break;
    case KNOT_EV_THREAD_JOIN:
        if (r->tasks[t].join_target > 0 && knot__wfg_alive(r, (int)r->tasks[t].join_target))
            add_rel(g, t, (int)r->tasks[t].join_target);
        break;
    default: /* a select or barrier: who could end it is not in the trace */
        break;
    }
}

/* Drop from the stuck set every task some still-running task could release:
 * what remains can never move again. */
static bool *closed_set(const knot__wfg *g) {
    bool *in = knot__xcalloc(g->n ? g->n : 1, sizeof *in);
    memcpy(in, g->stuck, g->n * sizeof *in);
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t t = 0; t < g->n; t++) {
            if (!in[t])
                continue;
            for (size_t i = 0; i < g->nrel[t]; i++)
                if (!in[g->rel[t][i]]) {
                    in[t] = false;
                    changed = true;
                    break;
                }
        }
    }
    return in;
}

static size_t rel_degree(void *ctx, size_t v) { return ((const knot__wfg *)ctx)->nrel[v]; }

static size_t rel_succ(void *ctx, size_t v, size_t k) {
    return (size_t)((const knot__wfg *)ctx)->rel[v][k];
}

static bool self_edge(const knot__wfg *g, size_t t) {
    for (size_t i = 0; i < g->nrel[t]; i++)
        if (g->rel[t][i] == (int)t)
            return true;
    return false;
}

/* The strongly connected groups of the closed set; one of two or more
 * tasks, or one task releasing itself, is a deadlock. */
static void find_cycles(knot__wfg *g) {
    bool *in = closed_set(g);
    size_t n = g->n ? g->n : 1;
    int *comp = knot__xcalloc(n, sizeof *comp), *size = knot__xcalloc(n, sizeof *size),
        *number = knot__xcalloc(n, sizeof *number);
    knot__graph_view view = {g->n, in, g, rel_degree, rel_succ};
    knot__scc(&view, comp, size);
    for (size_t t = 0; t < g->n; t++) {
        if (comp[t] < 0 || (size[comp[t]] < 2 && !self_edge(g, t)))
            continue;
        if (!number[comp[t]]) /* deadlocks numbered 1.. in task order */
            number[comp[t]] = ++g->ncycles;
        g->cycle[t] = number[comp[t]];
    }
    free(comp);
    free(size);
    free(number);
    free(in);
}

void knot__wfg_build(const knot__replay *r, knot__wfg *g) {
    memset(g, 0, sizeof *g);
    g->n = r->ntasks;
    size_t n = g->n ? g->n : 1;
    g->stuck = knot__xcalloc(n, sizeof *g->stuck);
    g->rel = knot__xcalloc(n, sizeof *g->rel);
    g->nrel = knot__xcalloc(n, sizeof *g->nrel);
    g->cycle = knot__xcalloc(n, sizeof *g->cycle);
    size_t alive = 0, stuck = 0;
    for (size_t t = 1; t < g->n; t++) {
        if (!knot__wfg_alive(r, (int)t))
            continue;
        alive++;
        if (knot__replay_blocked_forever(r, (int)t)) {
            g->stuck[t] = true;
            stuck++;
            releasers(r, g, (int)t);
        }
    }
    /* Hung, as Go's runtime says it: every live task asleep, and no timer
     * left that could wake one (the live detector checked that itself). */
    g->all_asleep = stuck > 0 && (r->detector_fired || (!r->program_ended && stuck == alive &&
                                                        !knot__replay_timer_pending(r, -1)));
    find_cycles(g);
}

void knot__wfg_free(knot__wfg *g) {
    for (size_t t = 0; t < g->n; t++)
        free(g->rel[t]);
    free(g->rel);
    free(g->nrel);
    free(g->stuck);
    free(g->cycle);
    memset(g, 0, sizeof *g);
}
