/* Rule `loop-capture`: a task spawned in a loop is handed the address of
 * the loop variable, of a variable the loop writes again, or of an object
 * that dies with the iteration. The task reads it later, when the loop has
 * moved on: gopl's loop-variable capture, which C makes worse because the
 * object may no longer exist at all. knot_go_copy is the fix, and exempt. */
#include "../analyzer/lint-rules.h"
#include "../analyzer/rules.h"

#include <stdlib.h>
#include <string.h>

const knot_rule knot_rule_loop_capture = {
    .id = "loop-capture",
    .kind = KNOT_RULE_STATIC,
    .severity = KNOT_WARNING,
    .summary = "a task spawned in a loop gets the address of the loop variable or of a "
               "per-iteration object",
};

/* A same-file function that hands one of its parameters to a new task. */
typedef struct helper {
    const char *name;
    int param;
} helper;

typedef struct helpers {
    helper *v;
    size_t n;
} helpers;

/* Which argument of a call becomes a task's argument, or -1. */
static int task_arg(const helpers *hs, const char *callee) {
    if (knot_lint_is(callee, "knot_go_copy"))
        return -1;
    int a = knot_lint_spawn_arg(callee);
    for (size_t i = 0; a < 0 && i < hs->n; i++)
        if (strcmp(hs->v[i].name, callee) == 0)
            a = hs->v[i].param;
    return a;
}

static bool is_wait(const char *callee);

/* A helper that waits for its task before returning hands back an object
 * nobody uses any more: that is a call, not a spawn. */
static bool waits_after(const knot_lint_func *f, const knot_lint_call *spawn) {
    for (size_t i = 0; i < f->ncalls; i++)
        if (is_wait(f->calls[i].callee) && f->calls[i].pos.offset > spawn->pos.offset)
            return true;
    return false;
}

static int forwarded_param(const helpers *hs, const knot_lint_func *f) {
    for (size_t i = 0; i < f->ncalls; i++) {
        const knot_lint_call *c = &f->calls[i];
        int a = task_arg(hs, c->callee);
        if (a >= 0 && (size_t)a < c->nargs && c->args[a].param >= 0 && !waits_after(f, c))
            return c->args[a].param;
    }
    return -1;
}

/* Helpers of helpers count too: grow the set until it stops changing. */
static void find_helpers(const knot_lint_tu *tu, helpers *hs) {
    hs->v = calloc(tu->nfuncs + 1, sizeof *hs->v);
    if (!hs->v)
        return;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < tu->nfuncs; i++) {
            const knot_lint_func *f = &tu->funcs[i];
            if (task_arg(hs, f->name) >= 0)
                continue;
            int p = forwarded_param(hs, f);
            if (p >= 0) {
                hs->v[hs->n++] = (helper){f->name, p};
                changed = true;
            }
        }
    }
}

/* Written by an assignment, or filled in by a call other than the spawn
 * itself (fgets into a buffer, say). */
static bool assigns(const knot_lint_loop *l, knot_lint_id id, const knot_lint_call *spawn) {
    for (size_t i = 0; i < l->nassigned; i++)
        if (l->assigned[i] == id)
            return true;
    for (size_t i = 0; i < l->nfilled; i++)
        if (l->filled[i].id == id && l->filled[i].call != spawn->pos.offset)
            return true;
    return false;
}

/* The loop whose iterations the variable does not survive unchanged, with
 * why; -1 if it is stable across them. */
static int capturing_loop(const knot_lint_func *f, const knot_lint_call *spawn,
                          const knot_lint_var *v, const char **why) {
    for (int l = spawn->loop; l >= 0; l = f->loops[l].parent) {
        if (v->body_of == l) {
            *why = "is declared in the loop body and dies with each iteration";
            return l;
        }
        if (assigns(&f->loops[l], v->id, spawn)) {
            *why = "the loop assigns a new value to on each iteration";
            return l;
        }
    }
    return -1;
}

static bool is_wait(const char *callee) {
    return !strcmp(callee, "pthread_join") || !strcmp(callee, "thrd_join") ||
           knot_lint_is(callee, "knot_wg_wait") || knot_lint_is(callee, "knot_group_wait") ||
           knot_lint_is(callee, "knot_chan_recv");
}

/* Waited for in the same iteration, after the spawn: the task is done with
 * the object (or has signalled that it copied it) before it changes. */
static bool waited_in_iteration(const knot_lint_func *f, const knot_lint_call *spawn, int loop) {
    for (size_t i = 0; i < f->ncalls; i++) {
        const knot_lint_call *c = &f->calls[i];
        if (is_wait(c->callee) && c->pos.offset > spawn->pos.offset &&
            c->pos.offset < f->loops[loop].end && knot_lint_loop_within(f, c->loop, loop))
            return true;
    }
    return false;
}

static void check_call(const knot_lint_tu *tu, const knot_lint_func *f, const knot_lint_call *c,
                       const helpers *hs, knot_findings *out) {
    int a = task_arg(hs, c->callee);
    if (c->loop < 0 || a < 0 || (size_t)a >= c->nargs)
        return;
    const knot_lint_var *v = knot_lint_find_var(f, c->args[a].addr_of);
    if (!v || v->is_static)
        return;
    const char *why = NULL;
    int loop = capturing_loop(f, c, v, &why);
    if (loop < 0 || waited_in_iteration(f, c, loop))
        return;
    knot_finding *fd = knot_findings_add(
        out, knot_rule_loop_capture.id, knot_rule_loop_capture.severity, false,
        knot_lint_loc(tu, c->pos, f->name),
        "%.*s() in a loop hands the task the address of '%s', which %s; the task may read it "
        "after it has changed or gone: pass a copy with knot_go_copy, or give each task its "
        "own heap storage",
        knot_lint_name_len(c->callee), c->callee, v->name, why);
    knot_finding_relate(fd, knot_lint_loc(tu, v->pos, f->name), "'%s' is declared here", v->name);
}

void knot_lint_check_loop_capture(const knot_lint_tu *tu, knot_findings *out) {
    helpers hs = {0};
    find_helpers(tu, &hs);
    for (size_t i = 0; i < tu->nfuncs; i++)
        for (size_t k = 0; k < tu->funcs[i].ncalls; k++)
            check_call(tu, &tu->funcs[i], &tu->funcs[i].calls[k], &hs, out);
    free(hs.v);
}
