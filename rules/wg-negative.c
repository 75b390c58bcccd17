/* Rule `wg-negative`: a wait group's counter below zero panics. Actual: the
 * run did it. Predicted: a Done whose happens-before past holds fewer Adds
 * than Dones — the Add it relies on is not ordered before it (typically an
 * Add made after spawning the task that calls Done), so another schedule
 * runs the Done first and panics. */
#include "replay.h"
#include "util-xalloc.h"

#include <stdlib.h>

/* One task's adds to one wait group, in program order, with the running
 * sum: the adds of that task ordered before a point are a prefix. */
typedef struct add {
    knot__vc_t clock;
    long long sum, delta, site;
} add;

typedef struct task_adds {
    int task;
    add *v;
    size_t n, cap;
} task_adds;

typedef struct wg {
    task_adds *tasks;
    size_t n;
} wg;

typedef struct state {
    knot__findings *out;
    wg *wgs; /* by object id */
    size_t n;
} state;

static void *start(const knot__replay *r, knot__findings *out) {
    (void)r;
    return knot__rule_state_new(sizeof(state), out);
}

static wg *wg_of(state *s, long long obj) {
    s->wgs = knot__xgrow(s->wgs, &s->n, (size_t)obj + 1, sizeof *s->wgs);
    return &s->wgs[obj];
}

static task_adds *adds_of(wg *w, int task) {
    for (size_t i = 0; i < w->n; i++)
        if (w->tasks[i].task == task)
            return &w->tasks[i];
    task_adds *v = knot__xrealloc(w->tasks, (w->n + 1) * sizeof *v);
    w->tasks = v;
    v[w->n] = (task_adds){task, NULL, 0, 0};
    return &v[w->n++];
}

static void push(task_adds *ta, const knot__event *e) {
    ta->v = knot__xgrow(ta->v, &ta->cap, ta->n + 1, sizeof *ta->v);
    long long before = ta->n ? ta->v[ta->n - 1].sum : 0;
    ta->v[ta->n++] = (add){e->clock, before + e->value, e->value, e->site};
}

/* The last of ta's adds with clock <= seen, or -1. */
static long long ordered_prefix(const task_adds *ta, knot__vc_t seen) {
    size_t lo = 0, hi = ta->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ta->v[mid].clock <= seen)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (long long)lo - 1;
}

static void predicted(state *s, const knot__replay *r, const knot__event *e, wg *w) {
    long long sum = 0;
    for (size_t i = 0; i < w->n; i++) {
        long long k = ordered_prefix(&w->tasks[i], r->vc[e->task][w->tasks[i].task]);
        if (k >= 0)
            sum += w->tasks[i].v[k].sum;
    }
    if (sum >= 0)
        return;
    knot__finding *f = knot__findings_add(
        s->out, knot__rule_wg_negative.id, KNOT_ERROR, true, knot__replay_loc(r, e->site),
        "Done on a wait group whose Add is not ordered before it: in another schedule the "
        "counter goes negative and the program panics");
    f->seq = e->seq;
    for (size_t i = 0; i < w->n; i++) {
        const task_adds *ta = &w->tasks[i];
        for (size_t k = (size_t)(ordered_prefix(ta, r->vc[e->task][ta->task]) + 1); k < ta->n; k++)
            if (ta->v[k].delta > 0) {
                knot__finding_relate(f, knot__replay_loc(r, ta->v[k].site),
                                     "task %d adds here, with nothing ordering it before the Done",
                                     ta->task);
                knot__replay_add_task(r, f, ta->task);
                break;
            }
    }
    knot__replay_add_task(r, f, e->task);
}

static void event(void *st, const knot__replay *r, const knot__event *e) {
    state *s = st;
    if (e->kind != KNOT_EV_WG_ADD || e->object <= 0 || !e->has_value)
        return;
    wg *w = wg_of(s, e->object);
    push(adds_of(w, e->task), e);
    if (e->has_result && e->result < 0) {
        knot__finding *f = knot__findings_add(s->out, knot__rule_wg_negative.id, KNOT_ERROR, false,
                                              knot__replay_loc(r, e->site),
                                              "negative wait group counter (%lld)", e->result);
        f->seq = e->seq;
        knot__replay_add_task(r, f, e->task);
    } else if (e->value < 0) {
        predicted(s, r, e, w);
    }
}

static void finish(void *st, const knot__replay *r, knot__findings *out) {
    (void)r, (void)out;
    state *s = st;
    for (size_t i = 0; i < s->n; i++) {
        for (size_t k = 0; k < s->wgs[i].n; k++)
            free(s->wgs[i].tasks[k].v);
        free(s->wgs[i].tasks);
    }
    free(s->wgs);
    free(s);
}

const knot__dynamic_check knot__check_wg_negative = {&knot__rule_wg_negative, start, event, finish};
