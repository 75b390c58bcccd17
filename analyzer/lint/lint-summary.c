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

bool knot__lint_is_wait(const char *callee) {
    return !strcmp(callee, "pthread_join") || !strcmp(callee, "thrd_join") ||
           knot__lint_is(callee, "knot_wg_wait") || knot__lint_is(callee, "knot_group_wait") ||
           knot__lint_is(callee, "knot_chan_recv");
}

/* A function that waits for its task after starting it hands back an
 * object nobody uses any more: that is a call, not a spawn. */
static unsigned last_wait(const knot__lint_func *f) {
    unsigned last = 0;
    for (size_t i = 0; i < f->ncalls; i++)
        if (knot__lint_is_wait(f->calls[i].callee) && f->calls[i].pos.offset + 1 > last)
            last = f->calls[i].pos.offset + 1;
    return last;
}

static bool passes_param(const knot__lint_call *c) {
    for (size_t i = 0; i < c->nargs; i++)
        if (c->args[i].param >= 0)
            return true;
    return false;
}

/* Joins a thread or waits for a group (a receive is too common to count),
 * and starts nothing. */
static bool joins(const knot__lint_func *f) {
    bool join = false;
    for (size_t i = 0; i < f->ncalls; i++) {
        const char *callee = f->calls[i].callee;
        if (knot__lint_spawn_base(callee))
            return false;
        join |= knot__lint_is_wait(callee) && !knot__lint_is(callee, "knot_chan_recv");
    }
    return join;
}

/* ---- channel parameters ---- */

/* The call an escape of a channel is, and the argument it goes in as. */
static const knot__lint_call *escape_call(const knot__lint_func *f, const knot__lint_op *escape,
                                          int *arg) {
    for (size_t i = 0; i < f->ncalls; i++) {
        const knot__lint_call *c = &f->calls[i];
        if (c->pos.offset != escape->pos.offset)
            continue;
        for (size_t a = 0; a < c->nargs; a++)
            if (knot__lint_key_eq(&c->args[a].key, &escape->ch)) {
                *arg = (int)a;
                return c;
            }
    }
    return NULL;
}

/* A receive (or a helper's receives, flags) in loop `loop` of f: as
 * KNOT_LINT_USE_* flags, with the line of a loop that can stop early. */
static unsigned receive_in(const knot__lint_func *f, int loop, unsigned flags, int *early_line) {
    if (loop < 0)
        return flags;
    if (!f->loops[loop].early_exit)
        return (flags & ~(unsigned)KNOT_LINT_USE_RECV) | KNOT_LINT_USE_RECV_ALL;
    if (!*early_line)
        *early_line = f->loops[loop].pos.line;
    return KNOT_LINT_USE_RECV_EARLY;
}

/* What f does itself with its parameter p's channel; the calls that hand
 * it on go into tu->chan_passes. */
static void summarize_param(knot__lint_tu *tu, size_t fi, int p, bool spawns) {
    const knot__lint_func *f = &tu->funcs[fi];
    knot__lint_key key = {f->params[p], ""};
    unsigned uses = 0;
    int early = 0;
    bool passed = false;
    for (size_t i = 0; i < f->nops; i++) {
        const knot__lint_op *op = &f->ops[i];
        if (!knot__lint_key_eq(&op->ch, &key))
            continue;
        int arg;
        const knot__lint_call *c;
        switch (op->kind) {
        case KNOT_LINT_SEND:
            if (op->select >= 0 && f->select_cases[op->select] > 1)
                break; /* a select with other cases can give up */
            if ((uses & KNOT_LINT_USE_SEND) || op->loop >= 0)
                uses |= KNOT_LINT_USE_SENDS;
            uses |= KNOT_LINT_USE_SEND;
            break;
        case KNOT_LINT_RECV:
            uses |= receive_in(f, op->loop, KNOT_LINT_USE_RECV, &early);
            break;
        case KNOT_LINT_CLOSE:
            uses |= KNOT_LINT_USE_CLOSE;
            break;
        case KNOT_LINT_ESCAPE:
            c = escape_call(f, op, &arg);
            if (c && c->callee[0]) {
                *KNOT__PUSH(tu->chan_passes, tu->nchan_passes) =
                    (knot__lint_chan_pass){fi, (size_t)(c - f->calls), p, arg};
                passed = true;
            } else {
                uses |= KNOT_LINT_USE_LOST;
            }
            break;
        }
    }
    /* handed to a task: what the task does is the rules' business */
    for (size_t i = 0; spawns && i < f->ncalls; i++)
        for (size_t a = 0; knot__lint_spawn_base(f->calls[i].callee) && a < f->calls[i].nargs; a++)
            if (f->calls[i].args[a].key.root == key.root)
                uses |= KNOT_LINT_USE_LOST;
    if (uses || passed)
        *KNOT__PUSH(tu->chan_params, tu->nchan_params) =
            (knot__lint_chan_param){fi, p, uses, early};
}

void knot__lint_summarize(knot__lint_tu *tu) {
    for (size_t i = 0; i < tu->nfuncs; i++) {
        const knot__lint_func *f = &tu->funcs[i];
        bool spawns = false;
        for (size_t k = 0; !spawns && k < f->ncalls; k++)
            spawns = knot__lint_spawn_base(f->calls[k].callee) != NULL;
        /* most functions touch no channel: nothing to summarize */
        for (size_t p = 0; (f->nops || spawns) && p < f->nparams; p++)
            if (f->params[p])
                summarize_param(tu, i, (int)p, spawns);
        if (joins(f))
            *KNOT__PUSH(tu->joiners, tu->njoiners) = i;
        unsigned wait = last_wait(f);
        for (size_t k = 0; k < f->ncalls; k++)
            if (f->calls[k].callee[0] && f->calls[k].pos.offset >= wait &&
                passes_param(&f->calls[k]))
                *KNOT__PUSH(tu->passes, tu->npasses) = (knot__lint_pass){i, k};
    }
}

/* The wrapper (or, with joiner, the joiner) a call to name made in tu
 * calls, or NULL. */
static const knot__lint_wrapper *find_entry(const knot__lint_summary *s, const knot__lint_tu *tu,
                                            const char *name, bool joiner) {
    const knot__lint_wrapper *global = NULL;
    bool any = false;
    for (size_t i = 0; s && i < s->n; i++) {
        const knot__lint_wrapper *w = &s->v[i];
        if ((w->arg < 0) != joiner || strcmp(w->name, name) != 0)
            continue;
        any = true;
        if (w->tu == tu)
            return w;
        if (!w->is_static)
            global = w;
    }
    /* a function of this unit by that name is not the other unit's wrapper */
    if (!any || knot__lint_find_func(tu, name))
        return NULL;
    return global;
}

static const knot__lint_wrapper *find_wrapper(const knot__lint_summary *s, const knot__lint_tu *tu,
                                              const char *name) {
    return find_entry(s, tu, name, false);
}

bool knot__lint_waits(const knot__lint_tu *tu, const char *callee) {
    return knot__lint_is_wait(callee) || (callee[0] && find_entry(tu->summary, tu, callee, true));
}

static bool spawn_in(const knot__lint_summary *s, const knot__lint_tu *tu, const char *callee,
                     knot__lint_spawn *out) {
    const char *base = knot__lint_spawn_base(callee);
    if (base) {
        *out =
            (knot__lint_spawn){knot__lint_spawn_arg(callee), knot__lint_spawn_fn(callee), "", base};
        return true;
    }
    const knot__lint_wrapper *w = find_wrapper(s, tu, callee);
    if (!w)
        return false;
    *out = (knot__lint_spawn){w->arg, w->fn, w->task, w->base};
    return true;
}

bool knot__lint_spawn_of(const knot__lint_tu *tu, const char *callee, knot__lint_spawn *out) {
    return callee[0] && spawn_in(tu->summary, tu, callee, out);
}

const char *knot__lint_spawn_task(const knot__lint_call *call, const knot__lint_spawn *sp) {
    if (sp->fn >= 0)
        return (size_t)sp->fn < call->nargs && call->args[sp->fn].func[0] ? call->args[sp->fn].func
                                                                          : NULL;
    return sp->task[0] ? sp->task : NULL;
}

bool knot__lint_escape_is_spawn(const knot__lint_tu *tu, const knot__lint_func *f,
                                const knot__lint_op *escape) {
    for (size_t i = 0; i < f->ncalls; i++) {
        const knot__lint_call *c = &f->calls[i];
        knot__lint_spawn sp;
        if (c->pos.offset == escape->pos.offset && knot__lint_spawn_of(tu, c->callee, &sp) &&
            sp.arg >= 0 && (size_t)sp.arg < c->nargs &&
            knot__lint_key_eq(&c->args[sp.arg].key, &escape->ch))
            return true;
    }
    return false;
}

const knot__lint_func *knot__lint_find_callee(const knot__lint_tu *tu, const char *name,
                                              const knot__lint_tu **where) {
    *where = tu;
    const knot__lint_func *f = knot__lint_find_func(tu, name);
    for (size_t t = 0; !f && name && tu->summary && t < tu->summary->ntus; t++) {
        const knot__lint_tu *other = tu->summary->tus[t];
        const knot__lint_func *g = other != tu ? knot__lint_find_func(other, name) : NULL;
        if (g && !g->is_static) {
            *where = other;
            f = g;
        }
    }
    return f;
}

/* Is f, through call c, a wrapper? Then add it. */
static bool add_if_wrapper(knot__lint_summary *s, const knot__lint_tu *tu, const knot__lint_func *f,
                           const knot__lint_call *c) {
    knot__lint_spawn sp;
    if (!spawn_in(s, tu, c->callee, &sp) || sp.arg < 0 || (size_t)sp.arg >= c->nargs ||
        c->args[sp.arg].param < 0)
        return false;
    knot__lint_wrapper *w = KNOT__PUSH(s->v, s->n);
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

/* ---- channel parameters, combined ---- */

/* The summary of parameter `param` of the function a call to name made in
 * tu calls: this unit's own, else another unit's external one; NULL when
 * there is none (the function ignores the channel, or is not defined). */
static const knot__lint_chan_fn *find_chan(const knot__lint_summary *s, const knot__lint_tu *tu,
                                           const char *name, int param) {
    const knot__lint_chan_fn *global = NULL;
    for (size_t i = 0; i < s->nchans; i++) {
        const knot__lint_chan_fn *c = &s->chans[i];
        if (c->param != param || strcmp(c->name, name) != 0)
            continue;
        if (c->tu == tu)
            return c;
        if (!c->is_static)
            global = c;
    }
    return knot__lint_find_func(tu, name) ? NULL : global;
}

static bool defined_anywhere(const knot__lint_summary *s, const knot__lint_tu *tu,
                             const char *name) {
    if (knot__lint_find_func(tu, name))
        return true;
    for (size_t t = 0; t < s->ntus; t++) {
        const knot__lint_func *g = knot__lint_find_func(s->tus[t], name);
        if (g && !g->is_static)
            return true;
    }
    return false;
}

/* What a call to callee made in tu does with the channel in argument arg. */
static unsigned callee_uses(const knot__lint_summary *s, const knot__lint_tu *tu,
                            const char *callee, int arg, const knot__lint_chan_fn **via) {
    knot__lint_spawn sp;
    *via = NULL;
    if (spawn_in(s, tu, callee, &sp))
        return KNOT_LINT_USE_LOST; /* a task's doing: the rules follow tasks */
    *via = find_chan(s, tu, callee, arg);
    if (*via)
        return (*via)->uses;
    return defined_anywhere(s, tu, callee) ? 0 : KNOT_LINT_USE_LOST;
}

unsigned knot__lint_escape_uses(const knot__lint_tu *tu, const knot__lint_func *f,
                                const knot__lint_op *escape, const knot__lint_chan_fn **via) {
    int arg;
    const knot__lint_call *c = escape_call(f, escape, &arg);
    *via = NULL;
    if (!c || !c->callee[0] || !tu->summary)
        return KNOT_LINT_USE_LOST;
    return callee_uses(tu->summary, tu, c->callee, arg, via);
}

/* Add to the caller's summary what the callee does through one call;
 * true if that changed it. */
static bool add_pass(knot__lint_summary *s, const knot__lint_tu *tu,
                     const knot__lint_chan_pass *p) {
    const knot__lint_func *f = &tu->funcs[p->func];
    const knot__lint_call *call = &f->calls[p->call];
    knot__lint_chan_fn *caller = NULL;
    for (size_t i = 0; !caller && i < s->nchans; i++)
        if (s->chans[i].tu == tu && s->chans[i].param == p->param &&
            strcmp(s->chans[i].name, f->name) == 0)
            caller = &s->chans[i];
    const knot__lint_chan_fn *via;
    unsigned u = callee_uses(s, tu, call->callee, p->arg, &via);
    unsigned add =
        u & (KNOT_LINT_USE_SEND | KNOT_LINT_USE_SENDS | KNOT_LINT_USE_CLOSE | KNOT_LINT_USE_LOST);
    if ((u & KNOT_LINT_USE_SEND) && call->loop >= 0)
        add |= KNOT_LINT_USE_SENDS;
    int early = 0;
    if (u & KNOT_LINT_USE_RECEIVES)
        add |= receive_in(f, call->loop, u & KNOT_LINT_USE_RECEIVES, &early);
    if (!caller || (caller->uses | add) == caller->uses)
        return false;
    caller->uses |= add;
    if ((caller->uses & KNOT_LINT_USE_RECV_EARLY) && !caller->early_line) {
        caller->early_line = early ? early : via ? via->early_line : 0;
        snprintf(caller->early_in, sizeof caller->early_in, "%s",
                 early ? f->name
                 : via ? via->early_in
                       : "");
    }
    return true;
}

static void build_chans(knot__lint_summary *s, knot__lint_tu *const *tus, size_t n) {
    for (size_t t = 0; t < n; t++)
        for (size_t i = 0; i < tus[t]->nchan_params; i++) {
            const knot__lint_chan_param *cp = &tus[t]->chan_params[i];
            const knot__lint_func *f = &tus[t]->funcs[cp->func];
            knot__lint_chan_fn *c = KNOT__PUSH(s->chans, s->nchans);
            *c = (knot__lint_chan_fn){.tu = tus[t],
                                      .is_static = f->is_static,
                                      .param = cp->param,
                                      .uses = cp->uses,
                                      .early_line = cp->early_line};
            snprintf(c->name, sizeof c->name, "%s", f->name);
            if (cp->early_line)
                snprintf(c->early_in, sizeof c->early_in, "%s", f->name);
        }
    /* flags only grow: this ends, after as many rounds as helpers nest */
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t t = 0; t < n; t++)
            for (size_t i = 0; i < tus[t]->nchan_passes; i++)
                changed |= add_pass(s, tus[t], &tus[t]->chan_passes[i]);
    }
}

void knot__lint_summary_build(knot__lint_summary *s, knot__lint_tu *const *tus, size_t n) {
    s->tus = tus;
    s->ntus = n;
    for (size_t t = 0; t < n; t++)
        for (size_t i = 0; i < tus[t]->njoiners; i++) {
            const knot__lint_func *f = &tus[t]->funcs[tus[t]->joiners[i]];
            knot__lint_wrapper *w = KNOT__PUSH(s->v, s->n);
            *w = (knot__lint_wrapper){
                .tu = tus[t], .is_static = f->is_static, .arg = -1, .fn = -1, .base = "join"};
            snprintf(w->name, sizeof w->name, "%s", f->name);
        }
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t t = 0; t < n; t++) {
            const knot__lint_tu *tu = tus[t];
            for (size_t i = 0; i < tu->npasses; i++) {
                const knot__lint_func *f = &tu->funcs[tu->passes[i].func];
                if (find_wrapper(s, tu, f->name) || knot__lint_spawn_base(f->name))
                    continue;
                changed |= add_if_wrapper(s, tu, f, &f->calls[tu->passes[i].call]);
            }
        }
    }
    build_chans(s, tus, n);
}

void knot__lint_summary_free(knot__lint_summary *s) {
    free(s->v);
    free(s->chans);
    memset(s, 0, sizeof *s);
}
