/* Rule `loop-capture`: a task spawned in a loop is handed the address of
 * the loop variable, of a variable the loop writes again, or of an object
 * that dies with the iteration. The task reads it later, when the loop has
 * moved on: gopl's loop-variable capture, which C makes worse because the
 * object may no longer exist at all. knot_go_copy is the fix, and exempt.
 * Spawn wrappers count as spawns, from whichever file defines them. */
#include "findings-rules.h"
#include "lint-rules.h"

#include <stdio.h>
#include <string.h>

/* Which argument of a call becomes a task's argument (directly or through
 * spawn wrappers, wherever they are defined), or -1; knot_go_copy copies
 * it and is exempt. */
static int task_arg(const knot__lint_tu *tu, const char *callee, knot__lint_spawn *sp) {
    if (!knot__lint_spawn_of(tu, callee, sp) || !strcmp(sp->base, "knot_go_copy"))
        return -1;
    return sp->arg;
}

/* Written by an assignment, or filled in by a call other than the spawn
 * itself (fgets into a buffer, say). */
static bool assigns(const knot__lint_loop *l, knot__lint_id id, const knot__lint_call *spawn) {
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
static int capturing_loop(const knot__lint_func *f, const knot__lint_call *spawn,
                          const knot__lint_var *v, const char **why) {
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
static bool waited_in_iteration(const knot__lint_tu *tu, const knot__lint_func *f,
                                const knot__lint_call *spawn, int loop) {
    for (size_t i = 0; i < f->ncalls; i++) {
        const knot__lint_call *c = &f->calls[i];
        if (knot__lint_waits(tu, c->callee) && c->pos.offset > spawn->pos.offset &&
            c->pos.offset < f->loops[loop].end && knot__lint_loop_within(f, c->loop, loop))
            return true;
    }
    return false;
}

/* The fix that fits the API the spawn comes down to, and what is handed
 * over (a variable, or a reused element of an array). */
static const char *fix_for(const knot__lint_spawn *sp, bool element) {
    if (!strncmp(sp->base, "knot_", 5))
        return element ? "pass a copy with knot_go_copy, or wait for the task that has the "
                         "element before reusing it"
                       : "pass a copy with knot_go_copy, or give each task its own heap storage";
    return element ? "give each thread its own element (index by the loop counter) or a heap "
                     "copy, or join the thread that has the element before reusing it"
                   : "give each thread its own copy on the heap (freed by the thread), or its "
                     "own slot in an array that outlives the loop";
}

static bool has(const knot__lint_id *ids, size_t n, knot__lint_id id) {
    for (size_t i = 0; i < n; i++)
        if (ids[i] == id)
            return true;
    return false;
}

/* Does an index give each pass its own element: the counter of a loop
 * between the spawn and the capturing loop, or a variable that loop only
 * steps (`slot++`, never `slot = ...`)? `pending[slot]` with slot = i % 2
 * does not: a later pass writes the element a running task still reads. */
static bool own_element(const knot__lint_func *f, const knot__lint_call *spawn, int loop,
                        knot__lint_id index) {
    if (!index)
        return false;
    for (int l = spawn->loop; l >= 0; l = f->loops[l].parent) {
        if (f->loops[l].counter == index)
            return true;
        if (l == loop)
            break;
    }
    const knot__lint_loop *in = &f->loops[loop];
    return has(in->assigned, in->nassigned, index) &&
           !has(in->overwritten, in->noverwritten, index);
}

/* Does the loop wait for a task anywhere: before reusing a slot (pigz's
 * double buffering joins the slot's previous thread), or after? */
static bool waits_in(const knot__lint_tu *tu, const knot__lint_func *f, int loop) {
    for (size_t i = 0; i < f->ncalls; i++)
        if (knot__lint_waits(tu, f->calls[i].callee) &&
            knot__lint_loop_within(f, f->calls[i].loop, loop))
            return true;
    return false;
}

/* What the task is handed: a variable's address, or an element of an
 * array; its name for the message into name. NULL if neither. */
static const knot__lint_var *captured(const knot__lint_tu *tu, const knot__lint_func *f,
                                      const knot__lint_call *c, const knot__lint_arg *arg,
                                      int *loop, const char **why, char *name, size_t size) {
    const knot__lint_var *v = knot__lint_find_var(f, arg->addr_of);
    if (v && !v->is_static) {
        snprintf(name, size, "'%s'", v->name);
        *loop = capturing_loop(f, c, v, why);
        return v;
    }
    v = knot__lint_find_var(f, arg->elem_of);
    if (!v)
        return NULL;
    *loop = capturing_loop(f, c, v, why);
    if (*loop >= 0 && v->body_of != *loop) {
        if (own_element(f, c, *loop, arg->index) || waits_in(tu, f, *loop))
            *loop = -1;
        *why = "the loop writes again on a later pass, while the index does not give each "
               "pass its own element";
    }
    const knot__lint_var *i = knot__lint_find_var(f, arg->index);
    if (i)
        snprintf(name, size, "'%s[%s]'", v->name, i->name);
    else
        snprintf(name, size, "an element of '%s'", v->name);
    return v;
}

static void check_call(const knot__lint_tu *tu, const knot__lint_func *f, const knot__lint_call *c,
                       knot__findings *out) {
    knot__lint_spawn sp;
    int a = task_arg(tu, c->callee, &sp);
    if (c->loop < 0 || a < 0 || (size_t)a >= c->nargs)
        return;
    const char *why = NULL;
    char name[160];
    int loop = -1;
    const knot__lint_var *v = captured(tu, f, c, &c->args[a], &loop, &why, name, sizeof name);
    if (!v || loop < 0 || waited_in_iteration(tu, f, c, loop))
        return;
    const char *who = strncmp(sp.base, "knot_", 5) ? "thread" : "task";
    knot__finding *fd = knot__findings_add(
        out, knot__rule_loop_capture.id, knot__rule_loop_capture.severity, false,
        knot__lint_loc(tu, c->pos, f->name),
        "%.*s() in a loop hands the %s the address of %s, which %s; the %s may read it "
        "after it has changed or gone: %s",
        c->written[0] ? (int)strlen(c->written) : knot__lint_name_len(c->callee),
        c->written[0] ? c->written : c->callee, who, name, why, who,
        fix_for(&sp, c->args[a].elem_of && v->body_of != loop));
    knot__finding_relate(fd, knot__lint_loc(tu, v->pos, f->name), "'%s' is declared here", v->name);
}

void knot__lint_check_loop_capture(const knot__lint_tu *tu, knot__findings *out) {
    for (size_t i = 0; i < tu->nfuncs; i++)
        for (size_t k = 0; k < tu->funcs[i].ncalls; k++)
            check_call(tu, &tu->funcs[i], &tu->funcs[i].calls[k], out);
}
