/* Rule `loop-capture`: a task spawned in a loop is handed the address of
 * the loop variable, of a variable the loop writes again, or of an object
 * that dies with the iteration. The task reads it later, when the loop has
 * moved on: gopl's loop-variable capture, which C makes worse because the
 * object may no longer exist at all. knot_go_copy is the fix, and exempt.
 * Spawn wrappers count as spawns, from whichever file defines them. */
#include "../analyzer/lint-rules.h"
#include "../analyzer/rules.h"

#include <string.h>

const knot_rule knot_rule_loop_capture = {
    .id = "loop-capture",
    .kind = KNOT_RULE_STATIC,
    .severity = KNOT_WARNING,
    .summary = "a task spawned in a loop gets the address of the loop variable or of a "
               "per-iteration object",
};

/* Which argument of a call becomes a task's argument (directly or through
 * spawn wrappers, wherever they are defined), or -1; knot_go_copy copies
 * it and is exempt. */
static int task_arg(const knot_lint_tu *tu, const char *callee, knot_lint_spawn *sp) {
    if (!knot_lint_spawn_of(tu, callee, sp) || !strcmp(sp->base, "knot_go_copy"))
        return -1;
    return sp->arg;
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

/* Waited for in the same iteration, after the spawn: the task is done with
 * the object (or has signalled that it copied it) before it changes. */
static bool waited_in_iteration(const knot_lint_func *f, const knot_lint_call *spawn, int loop) {
    for (size_t i = 0; i < f->ncalls; i++) {
        const knot_lint_call *c = &f->calls[i];
        if (knot_lint_is_wait(c->callee) && c->pos.offset > spawn->pos.offset &&
            c->pos.offset < f->loops[loop].end && knot_lint_loop_within(f, c->loop, loop))
            return true;
    }
    return false;
}

/* The fix that fits the API the spawn comes down to. */
static const char *fix_for(const knot_lint_spawn *sp) {
    if (!strncmp(sp->base, "knot_", 5))
        return "pass a copy with knot_go_copy, or give each task its own heap storage";
    return "give each thread its own copy on the heap (freed by the thread), or its own slot "
           "in an array that outlives the loop";
}

static void check_call(const knot_lint_tu *tu, const knot_lint_func *f, const knot_lint_call *c,
                       knot_findings *out) {
    knot_lint_spawn sp;
    int a = task_arg(tu, c->callee, &sp);
    if (c->loop < 0 || a < 0 || (size_t)a >= c->nargs)
        return;
    const knot_lint_var *v = knot_lint_find_var(f, c->args[a].addr_of);
    if (!v || v->is_static)
        return;
    const char *why = NULL;
    int loop = capturing_loop(f, c, v, &why);
    if (loop < 0 || waited_in_iteration(f, c, loop))
        return;
    const char *who = strncmp(sp.base, "knot_", 5) ? "thread" : "task";
    knot_finding *fd = knot_findings_add(
        out, knot_rule_loop_capture.id, knot_rule_loop_capture.severity, false,
        knot_lint_loc(tu, c->pos, f->name),
        "%.*s() in a loop hands the %s the address of '%s', which %s; the %s may read it "
        "after it has changed or gone: %s",
        knot_lint_name_len(c->callee), c->callee, who, v->name, why, who, fix_for(&sp));
    knot_finding_relate(fd, knot_lint_loc(tu, v->pos, f->name), "'%s' is declared here", v->name);
}

void knot_lint_check_loop_capture(const knot_lint_tu *tu, knot_findings *out) {
    for (size_t i = 0; i < tu->nfuncs; i++)
        for (size_t k = 0; k < tu->funcs[i].ncalls; k++)
            check_call(tu, &tu->funcs[i], &tu->funcs[i].calls[k], out);
}
