/* Rule `deadlock`: a group of tasks each waiting for another of the group
 * (locks, channels, wait groups, joins, mixed), found as a cycle in the
 * wait-for graph of the final state; or a program that hung with every task
 * asleep, which Go's runtime reports and C's does not. */
#include "replay-waitfor.h"
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>

/* What a blocked task waits on: an object, or the task it joins. */
static void describe_wait(const knot__replay *r, const knot__task_info *ti, char *out,
                          size_t size) {
    if (ti->last.kind == KNOT_EV_THREAD_JOIN)
        snprintf(out, size, "task %lld", ti->join_target);
    else if (ti->last.object > 0)
        knot__replay_describe(r, ti->last.object, out, size);
    else if (size > 0)
        out[0] = '\0';
}

/* "task 2 is blocked locking mutex #4, held by task 3" at task t's wait. */
static void relate_wait(const knot__replay *r, const knot__wfg *g, knot__finding *f, int t) {
    const knot__task_info *ti = &r->tasks[t];
    char obj[320] = " ", who[160] = "";
    describe_wait(r, ti, obj + 1, sizeof obj - 1);
    if (!obj[1])
        obj[0] = '\0';
    size_t len = 0;
    for (size_t i = 0; i < g->nrel[t] && len + 16 < sizeof who; i++)
        len += (size_t)snprintf(who + len, sizeof who - len, "%s%d", i ? ", " : "", g->rel[t][i]);
    if (g->nrel[t])
        knot__finding_relate(f, knot__replay_loc(r, ti->last.site),
                             "task %d is blocked %s%s, which only task%s %s could end", t,
                             knot__replay_verb(ti->last.kind), obj, g->nrel[t] > 1 ? "s" : "", who);
    else
        knot__finding_relate(f, knot__replay_loc(r, ti->last.site), "task %d is blocked %s%s", t,
                             knot__replay_verb(ti->last.kind), obj);
    const knot__object_info *o = ti->last.object > 0 && (size_t)ti->last.object < r->nobjects
                                     ? &r->objects[ti->last.object]
                                     : NULL;
    if (o && o->holder > 0)
        knot__finding_relate(f, knot__replay_loc(r, o->held_site), "task %d locked it here",
                             o->holder);
    knot__replay_add_task(r, f, t);
}

static void report_cycle(const knot__replay *r, const knot__wfg *g, int c, bool add_asleep,
                         knot__findings *out) {
    int first = 0, count = 0;
    for (size_t t = 1; t < g->n; t++)
        if (g->cycle[t] == c && count++ == 0)
            first = (int)t;
    const knot__task_info *ti = &r->tasks[first];
    char obj[320] = " ";
    describe_wait(r, ti, obj + 1, sizeof obj - 1);
    if (!obj[1]) /* a select: no one object */
        obj[0] = '\0';
    knot__finding *f = knot__findings_add(
        out, knot__rule_deadlock.id, KNOT_ERROR, false, knot__replay_loc(r, ti->last.site),
        "deadlock: %d task%s wait for each other forever; task %d is blocked %s%s", count,
        count == 1 ? "" : "s", first, knot__replay_verb(ti->last.kind), obj);
    f->seq = ti->last.seq;
    for (size_t t = 1; t < g->n; t++)
        if (g->cycle[t] == c)
            relate_wait(r, g, f, (int)t);
    for (size_t t = 1; add_asleep && t < g->n; t++)
        if (g->stuck[t] && !g->cycle[t])
            relate_wait(r, g, f, (int)t);
}

static void report_asleep(const knot__replay *r, const knot__wfg *g, knot__findings *out) {
    int first = g->stuck[1] ? 1 : 0;
    for (size_t t = 1; !first && t < g->n; t++)
        if (g->stuck[t])
            first = (int)t;
    const knot__task_info *ti = &r->tasks[first];
    char obj[320] = " ";
    describe_wait(r, ti, obj + 1, sizeof obj - 1);
    if (!obj[1]) /* a select: no one object */
        obj[0] = '\0';
    knot__finding *f = knot__findings_add(out, knot__rule_deadlock.id, KNOT_ERROR, false,
                                          knot__replay_loc(r, ti->last.site),
                                          "all tasks are asleep: deadlock; task %d is blocked %s%s",
                                          first, knot__replay_verb(ti->last.kind), obj);
    f->seq = ti->last.seq;
    for (size_t t = 1; t < g->n; t++)
        if (g->stuck[t])
            relate_wait(r, g, f, (int)t);
}

static void finish(void *state, const knot__replay *r, knot__findings *out) {
    (void)state;
    if (!out)
        return;
    const knot__wfg *g = r->wfg;
    for (int c = 1; c <= g->ncycles; c++)
        report_cycle(r, g, c, g->all_asleep && c == 1, out);
    if (g->all_asleep && g->ncycles == 0)
        report_asleep(r, g, out);
}

const knot__dynamic_check knot__check_deadlock = {&knot__rule_deadlock, NULL, NULL, finish};
