/* Spawn wrappers across translation units; see lint-summary.h.
 *
 * The per-unit part keeps only the calls that hand on a parameter, a few
 * per file, so the combining pass costs next to nothing: it goes over
 * those calls once per level of wrapping (two or three passes in practice)
 * and compares callee names with the handful of wrappers found so far. */
#include "lint-summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool knot_lint_is_wait(const char *callee) {
    return !strcmp(callee, "pthread_join") || !strcmp(callee, "thrd_join") ||
           knot_lint_is(callee, "knot_wg_wait") || knot_lint_is(callee, "knot_group_wait") ||
           knot_lint_is(callee, "knot_chan_recv");
}

/* A function that waits for its task after starting it hands back an
 * object nobody uses any more: that is a call, not a spawn. */
static unsigned last_wait(const knot_lint_func *f) {
    unsigned last = 0;
    for (size_t i = 0; i < f->ncalls; i++)
        if (knot_lint_is_wait(f->calls[i].callee) && f->calls[i].pos.offset + 1 > last)
            last = f->calls[i].pos.offset + 1;
    return last;
}

static bool passes_param(const knot_lint_call *c) {
    for (size_t i = 0; i < c->nargs; i++)
        if (c->args[i].param >= 0)
            return true;
    return false;
}

/* Joins a thread or waits for a group (a receive is too common to count),
 * and starts nothing. */
static bool joins(const knot_lint_func *f) {
    bool join = false;
    for (size_t i = 0; i < f->ncalls; i++) {
        const char *callee = f->calls[i].callee;
        if (knot_lint_spawn_base(callee))
            return false;
        join |= knot_lint_is_wait(callee) && !knot_lint_is(callee, "knot_chan_recv");
    }
    return join;
}

void knot_lint_summarize(knot_lint_tu *tu) {
    for (size_t i = 0; i < tu->nfuncs; i++) {
        const knot_lint_func *f = &tu->funcs[i];
        if (joins(f))
            *KNOT__PUSH(tu->joiners, tu->njoiners) = i;
        unsigned wait = last_wait(f);
        for (size_t k = 0; k < f->ncalls; k++)
            if (f->calls[k].callee[0] && f->calls[k].pos.offset >= wait &&
                passes_param(&f->calls[k]))
                *KNOT__PUSH(tu->passes, tu->npasses) = (knot_lint_pass){i, k};
    }
}

/* The wrapper (or, with joiner, the joiner) a call to name made in tu
 * calls, or NULL. */
static const knot_lint_wrapper *find_entry(const knot_lint_summary *s, const knot_lint_tu *tu,
                                           const char *name, bool joiner) {
    const knot_lint_wrapper *global = NULL;
    bool any = false;
    for (size_t i = 0; s && i < s->n; i++) {
        const knot_lint_wrapper *w = &s->v[i];
        if ((w->arg < 0) != joiner || strcmp(w->name, name) != 0)
            continue;
        any = true;
        if (w->tu == tu)
            return w;
        if (!w->is_static)
            global = w;
    }
    /* a function of this unit by that name is not the other unit's wrapper */
    if (!any || knot_lint_find_func(tu, name))
        return NULL;
    return global;
}

static const knot_lint_wrapper *find_wrapper(const knot_lint_summary *s, const knot_lint_tu *tu,
                                             const char *name) {
    return find_entry(s, tu, name, false);
}

bool knot_lint_waits(const knot_lint_tu *tu, const char *callee) {
    return knot_lint_is_wait(callee) || (callee[0] && find_entry(tu->summary, tu, callee, true));
}

static bool spawn_in(const knot_lint_summary *s, const knot_lint_tu *tu, const char *callee,
                     knot_lint_spawn *out) {
    const char *base = knot_lint_spawn_base(callee);
    if (base) {
        *out = (knot_lint_spawn){knot_lint_spawn_arg(callee), knot_lint_spawn_fn(callee), "", base};
        return true;
    }
    const knot_lint_wrapper *w = find_wrapper(s, tu, callee);
    if (!w)
        return false;
    *out = (knot_lint_spawn){w->arg, w->fn, w->task, w->base};
    return true;
}

bool knot_lint_spawn_of(const knot_lint_tu *tu, const char *callee, knot_lint_spawn *out) {
    return callee[0] && spawn_in(tu->summary, tu, callee, out);
}

const char *knot_lint_spawn_task(const knot_lint_call *call, const knot_lint_spawn *sp) {
    if (sp->fn >= 0)
        return (size_t)sp->fn < call->nargs && call->args[sp->fn].func[0] ? call->args[sp->fn].func
                                                                          : NULL;
    return sp->task[0] ? sp->task : NULL;
}

bool knot_lint_escape_is_spawn(const knot_lint_tu *tu, const knot_lint_func *f,
                               const knot_lint_op *escape) {
    for (size_t i = 0; i < f->ncalls; i++) {
        const knot_lint_call *c = &f->calls[i];
        knot_lint_spawn sp;
        if (c->pos.offset == escape->pos.offset && knot_lint_spawn_of(tu, c->callee, &sp) &&
            sp.arg >= 0 && (size_t)sp.arg < c->nargs &&
            knot_lint_key_eq(&c->args[sp.arg].key, &escape->ch))
            return true;
    }
    return false;
}

const knot_lint_func *knot_lint_find_callee(const knot_lint_tu *tu, const char *name,
                                            const knot_lint_tu **where) {
    *where = tu;
    const knot_lint_func *f = knot_lint_find_func(tu, name);
    for (size_t t = 0; !f && name && tu->summary && t < tu->summary->ntus; t++) {
        const knot_lint_tu *other = tu->summary->tus[t];
        const knot_lint_func *g = other != tu ? knot_lint_find_func(other, name) : NULL;
        if (g && !g->is_static) {
            *where = other;
            f = g;
        }
    }
    return f;
}

/* Is f, through call c, a wrapper? Then add it. */
static bool add_if_wrapper(knot_lint_summary *s, const knot_lint_tu *tu, const knot_lint_func *f,
                           const knot_lint_call *c) {
    knot_lint_spawn sp;
    if (!spawn_in(s, tu, c->callee, &sp) || sp.arg < 0 || (size_t)sp.arg >= c->nargs ||
        c->args[sp.arg].param < 0)
        return false;
    knot_lint_wrapper *w = KNOT__PUSH(s->v, s->n);
    snprintf(w->name, sizeof w->name, "%s", f->name);
    w->tu = tu;
    w->is_static = f->is_static;
    w->arg = c->args[sp.arg].param;
    w->fn = -1;
    w->base = sp.base;
    bool fn_known = sp.fn >= 0 && (size_t)sp.fn < c->nargs;
    if (fn_known && c->args[sp.fn].param >= 0)
        w->fn = c->args[sp.fn].param;
    else
        snprintf(w->task, sizeof w->task, "%s",
                 fn_known    ? c->args[sp.fn].func
                 : sp.fn < 0 ? sp.task
                             : "");
    return true;
}

void knot_lint_summary_build(knot_lint_summary *s, knot_lint_tu *const *tus, size_t n) {
    s->tus = tus;
    s->ntus = n;
    for (size_t t = 0; t < n; t++)
        for (size_t i = 0; i < tus[t]->njoiners; i++) {
            const knot_lint_func *f = &tus[t]->funcs[tus[t]->joiners[i]];
            knot_lint_wrapper *w = KNOT__PUSH(s->v, s->n);
            *w = (knot_lint_wrapper){
                .tu = tus[t], .is_static = f->is_static, .arg = -1, .fn = -1, .base = "join"};
            snprintf(w->name, sizeof w->name, "%s", f->name);
        }
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t t = 0; t < n; t++) {
            const knot_lint_tu *tu = tus[t];
            for (size_t i = 0; i < tu->npasses; i++) {
                const knot_lint_func *f = &tu->funcs[tu->passes[i].func];
                if (find_wrapper(s, tu, f->name) || knot_lint_spawn_base(f->name))
                    continue;
                changed |= add_if_wrapper(s, tu, f, &f->calls[tu->passes[i].call]);
            }
        }
    }
}

void knot_lint_summary_free(knot_lint_summary *s) {
    free(s->v);
    memset(s, 0, sizeof *s);
}
