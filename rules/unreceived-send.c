/* Rule `unreceived-send`: more sends on a channel than receives that will
 * ever happen, so some sender blocks forever: gopl's makeThumbnails4 (the
 * receive loop returns at the first error while spawned senders remain),
 * mirroredQuery (three senders, one receive, unbuffered), or a channel
 * nobody receives from at all.
 *
 * Only channels a function makes itself (`knot_chan *c = knot_chan_make(...)`)
 * and hands to tasks defined in any file linted with it are followed:
 * directly, or in a struct, an array of them or a heap object it fills;
 * through knot_go, knot_go_copy, pthread_create, thrd_create or a spawn
 * wrapper. A function the maker or a task hands the channel to (produce(ch),
 * drain(ch), in any file) counts by its summary: it sends, receives or
 * closes. One that goes anywhere else, or that the function closes, is
 * left alone. When a count is not known, the rule stays silent. */
#include "findings-rules.h"
#include "lint-rules.h"
#include "util-xalloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A send that can block: in a task (func) or in the maker itself. */
typedef struct sender {
    const knot__lint_tu *tu; /* where func is: a task may be in another file */
    const knot__lint_func *func;
    const knot__lint_op *op;
    const knot__lint_call *spawn; /* NULL for the maker's own sends */
    const char *via;              /* the helper that sends, or NULL */
} sender;

/* How many sends: n known ones, plus terms bounded by a variable, or
 * unbounded ones. */
typedef struct tally {
    long n;
    int symbolic;
    knot__lint_id var;
    bool unbounded;
} tally;

typedef struct chan_use {
    const knot__lint_tu *tu;
    const knot__lint_func *maker;
    const knot__lint_var *var;
    knot__lint_key key;
    sender *senders;
    size_t nsenders;
    tally sends;
    bool lost;    /* it goes where the rule cannot follow */
    bool drained; /* a task receives from it */
} chan_use;

static void add_times(tally *t, const knot__lint_func *f, int loop) {
    if (loop < 0) {
        t->n++;
        return;
    }
    const knot__lint_loop *l = &f->loops[loop];
    if (l->parent >= 0 || (!l->bound_known && !l->bound_var))
        t->unbounded = true;
    else if (l->bound_known)
        t->n += l->bound;
    else {
        t->symbolic++;
        t->var = l->bound_var;
    }
}

/* 1: the buffer holds every send; 0: it cannot; -1: cannot tell. */
static int buffer_holds(const knot__lint_var *v, const tally *t) {
    if (v->cap == KNOT_LINT_CAP_CONST) {
        if (t->unbounded || t->symbolic)
            return v->cap_value == 0 ? 0 : -1;
        return t->n <= v->cap_value;
    }
    if (v->cap == KNOT_LINT_CAP_VAR && !t->unbounded && t->n == 0 && t->symbolic == 1 &&
        t->var == v->cap_var)
        return 1;
    return -1;
}

static void add_sender(chan_use *u, const knot__lint_tu *tu, const knot__lint_func *f,
                       const knot__lint_op *op, const knot__lint_call *spawn, const char *via) {
    u->senders = knot__xrealloc(u->senders, (u->nsenders + 1) * sizeof *u->senders);
    u->senders[u->nsenders++] = (sender){tu, f, op, spawn, via};
}

/* A send inside a select with other cases can give up: not a blocked send. */
static bool can_block(const knot__lint_func *f, const knot__lint_op *op) {
    return op->select < 0 || f->select_cases[op->select] <= 1;
}

/* What an escape of the channel does with it: KNOT_LINT_USE_* flags of
 * the function it is handed to (*via), 0 for a spawn (followed apart). */
static unsigned escape_uses(const knot__lint_tu *tu, const knot__lint_func *f,
                            const knot__lint_op *op, const knot__lint_chan_fn **via) {
    *via = NULL;
    if (knot__lint_escape_is_spawn(tu, f, op))
        return 0;
    return knot__lint_escape_uses(tu, f, op, via);
}

/* What a task spawned with the channel does with it. */
static void follow_task(chan_use *u, const knot__lint_call *spawn, const knot__lint_arg *arg,
                        const knot__lint_tu *tu, const knot__lint_func *task) {
    if (!task || task == u->maker || task->nparams == 0) {
        u->lost = true;
        return;
    }
    bool sends = false, many = false;
    for (size_t i = 0; i < task->nops; i++) {
        const knot__lint_op *op = &task->ops[i];
        if (op->ch.root != task->params[0] ||
            !knot__lint_arg_carries(u->maker, arg, &u->key, op->ch.field))
            continue;
        const knot__lint_chan_fn *via = NULL;
        unsigned uses = op->kind == KNOT_LINT_ESCAPE ? knot__lint_escape_uses(tu, task, op, &via)
                        : op->kind == KNOT_LINT_RECV ? KNOT_LINT_USE_RECV
                        : op->kind == KNOT_LINT_SEND && can_block(task, op) ? KNOT_LINT_USE_SEND
                                                                            : 0;
        if (uses & KNOT_LINT_USE_LOST)
            u->lost = true;
        else if (uses & KNOT_LINT_USE_RECEIVES)
            u->drained = true;
        else if (uses & KNOT_LINT_USE_SEND) {
            add_sender(u, tu, task, op, spawn, via ? via->name : NULL);
            many |= op->loop >= 0 || sends || (uses & KNOT_LINT_USE_SENDS);
            sends = true;
        }
    }
    if (sends)
        add_times(&u->sends, u->maker, spawn->loop);
    if (many)
        u->sends.unbounded = true;
}

static void follow_spawns(chan_use *u) {
    const knot__lint_func *f = u->maker;
    for (size_t i = 0; i < f->ncalls; i++) {
        const knot__lint_call *c = &f->calls[i];
        knot__lint_spawn sp;
        if (!knot__lint_spawn_of(u->tu, c->callee, &sp) || sp.arg < 0 ||
            (size_t)sp.arg >= c->nargs ||
            !knot__lint_arg_carries(f, &c->args[sp.arg], &u->key, NULL))
            continue;
        const knot__lint_tu *where;
        const knot__lint_func *task =
            knot__lint_find_callee(u->tu, knot__lint_spawn_task(c, &sp), &where);
        follow_task(u, c, &c->args[sp.arg], where, task);
    }
}

static void report(const chan_use *u, const char *why, knot__findings *out) {
    for (size_t i = 0; i < u->nsenders; i++) {
        const sender *s = &u->senders[i];
        char via[80] = "";
        if (s->via)
            snprintf(via, sizeof via, ", in %s()", s->via);
        knot__finding *fd = knot__findings_add(
            out, knot__rule_unreceived_send.id, knot__rule_unreceived_send.severity, false,
            knot__lint_loc(s->tu, s->op->pos, s->func->name),
            "this send on '%s' (made in %s()%s) can block forever: %s; give the channel room for "
            "every send, or keep receiving until every sender is done",
            u->var->name, u->maker->name, via, why);
        knot__finding_relate(fd, knot__lint_loc(u->tu, u->var->pos, u->maker->name),
                             "'%s' is made here", u->var->name);
        if (s->spawn)
            knot__finding_relate(fd, knot__lint_loc(u->tu, s->spawn->pos, u->maker->name),
                                 "the sending task is spawned here");
    }
}

/* A receive loop that can stop early: the function it is in, its line. */
typedef struct early_loop {
    const char *func;
    int line;
} early_loop;

/* The maker's receive flags from op (its own receive, or a helper's). */
static unsigned receives(const chan_use *u, const knot__lint_op *op,
                         const knot__lint_chan_fn **via) {
    *via = NULL;
    if (!knot__lint_key_eq(&op->ch, &u->key))
        return 0;
    if (op->kind == KNOT_LINT_RECV)
        return KNOT_LINT_USE_RECV;
    if (op->kind != KNOT_LINT_ESCAPE)
        return 0;
    return escape_uses(u->tu, u->maker, op, via) & KNOT_LINT_USE_RECEIVES;
}

/* The receives in the maker: is any in a loop that can stop early, and how
 * many are outside loops? */
static void maker_receives(const chan_use *u, int *total, int *straight, early_loop *early) {
    const knot__lint_func *f = u->maker;
    for (size_t i = 0; i < f->nops; i++) {
        const knot__lint_op *op = &f->ops[i];
        const knot__lint_chan_fn *via;
        unsigned r = receives(u, op, &via);
        if (!r)
            continue;
        ++*total;
        if (r & KNOT_LINT_USE_RECV_EARLY)
            *early = (early_loop){via->early_in, via->early_line};
        else if (op->loop >= 0 && f->loops[op->loop].early_exit)
            *early = (early_loop){f->name, f->loops[op->loop].pos.line};
        else if (op->loop >= 0 || (r & KNOT_LINT_USE_RECV_ALL))
            *straight = -1000000; /* a receive loop that runs to the end: enough */
        else
            ++*straight;
    }
}

/* A return after the first sender is started and before the first receive
 * (an error path, typically) leaves every sender behind. Its line, or 0. */
static int return_before_receiving(const chan_use *u) {
    const knot__lint_func *f = u->maker;
    unsigned spawned = UINT_MAX, received = UINT_MAX;
    for (size_t i = 0; i < u->nsenders; i++)
        if (u->senders[i].spawn && u->senders[i].spawn->pos.offset < spawned)
            spawned = u->senders[i].spawn->pos.offset;
    for (size_t i = 0; i < f->nops; i++) {
        const knot__lint_chan_fn *via;
        if (f->ops[i].pos.offset < received && receives(u, &f->ops[i], &via))
            received = f->ops[i].pos.offset;
    }
    for (size_t i = 0; spawned != UINT_MAX && i < f->nreturns; i++)
        if (f->returns[i].offset > spawned && f->returns[i].offset < received)
            return f->returns[i].line;
    return 0;
}

static void judge(chan_use *u, knot__findings *out) {
    int holds = buffer_holds(u->var, &u->sends);
    if (u->lost || u->drained || u->nsenders == 0 || holds != 0)
        return;
    int total = 0, straight = 0;
    early_loop early = {NULL, 0};
    maker_receives(u, &total, &straight, &early);
    int bail = return_before_receiving(u);
    char why[200];
    if (total == 0) {
        report(u, "nothing ever receives from it", out);
    } else if (bail) {
        snprintf(why, sizeof why,
                 "%s() can return (line %d) after starting its senders and before receiving",
                 u->maker->name, bail);
        report(u, why, out);
    } else if (early.func) {
        char in[80] = "";
        if (strcmp(early.func, u->maker->name) != 0)
            snprintf(in, sizeof in, " in %s()", early.func);
        snprintf(why, sizeof why,
                 "%s() may stop receiving early (the loop at line %d%s returns or breaks) "
                 "while senders remain",
                 u->maker->name, early.line, in);
        report(u, why, out);
    } else if (straight > 0 && !u->sends.unbounded && !u->sends.symbolic &&
               straight + u->var->cap_value < u->sends.n) {
        snprintf(why, sizeof why, "%ld sends, but only %d receive%s and room for %ld", u->sends.n,
                 straight, straight == 1 ? "" : "s", u->var->cap_value);
        report(u, why, out);
    }
}

static bool maker_keeps(const knot__lint_tu *tu, const knot__lint_func *f,
                        const knot__lint_key *ch) {
    for (size_t i = 0; i < f->nops; i++) {
        const knot__lint_op *op = &f->ops[i];
        if (!knot__lint_key_eq(&op->ch, ch))
            continue;
        const knot__lint_chan_fn *via;
        if (op->kind == KNOT_LINT_CLOSE ||
            (op->kind == KNOT_LINT_ESCAPE &&
             (escape_uses(tu, f, op, &via) & (KNOT_LINT_USE_LOST | KNOT_LINT_USE_CLOSE))))
            return false;
    }
    return true;
}

static void check_chan(const knot__lint_tu *tu, const knot__lint_func *f, const knot__lint_var *v,
                       knot__findings *out) {
    chan_use u = {.tu = tu, .maker = f, .var = v, .key = {v->id, ""}};
    if (!maker_keeps(tu, f, &u.key))
        return;
    for (size_t i = 0; i < f->nops; i++) {
        const knot__lint_op *op = &f->ops[i];
        if (!knot__lint_key_eq(&op->ch, &u.key))
            continue;
        const knot__lint_chan_fn *via = NULL;
        unsigned uses = op->kind == KNOT_LINT_ESCAPE ? escape_uses(tu, f, op, &via) : 0;
        if ((op->kind == KNOT_LINT_SEND && can_block(f, op)) || (uses & KNOT_LINT_USE_SEND)) {
            add_sender(&u, tu, f, op, NULL, via ? via->name : NULL);
            add_times(&u.sends, f, op->loop);
            u.sends.unbounded |= (uses & KNOT_LINT_USE_SENDS) != 0;
        }
    }
    follow_spawns(&u);
    judge(&u, out);
    free(u.senders);
}

void knot__lint_check_unreceived_send(const knot__lint_tu *tu, knot__findings *out) {
    for (size_t i = 0; i < tu->nfuncs; i++) {
        const knot__lint_func *f = &tu->funcs[i];
        for (size_t k = 0; k < f->nvars; k++)
            if (f->vars[k].cap != KNOT_LINT_CAP_NONE && !f->vars[k].is_param)
                check_chan(tu, f, &f->vars[k], out);
    }
}
