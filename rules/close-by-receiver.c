/* Rule `close-by-receiver`: a function closes a channel it only receives
 * from. Only a sender knows when nothing more will be sent; a receiver that
 * closes (on a timeout, say: Go in Practice's listing 3.9) makes the next
 * send panic with "send on closed channel". A function it hands the channel
 * to, in any file, counts by its summary: drain(ch) receives, finish(ch)
 * closes, produce(ch) sends. */
#include "findings-rules.h"
#include "lint-rules.h"

#include <stdio.h>
#include <string.h>

/* What op does with the channel, as KNOT_LINT_USE_* flags: a call it is
 * handed to, by that function's summary (*via; a spawn counts as lost). */
static unsigned op_uses(const knot__lint_tu *tu, const knot__lint_func *f, const knot__lint_op *op,
                        const knot__lint_chan_fn **via) {
    *via = NULL;
    switch (op->kind) {
    case KNOT_LINT_SEND:
        return KNOT_LINT_USE_SEND;
    case KNOT_LINT_RECV:
        return KNOT_LINT_USE_RECV;
    case KNOT_LINT_CLOSE:
        return KNOT_LINT_USE_CLOSE;
    default:
        return knot__lint_escape_uses(tu, f, op, via);
    }
}

/* The first op on ch that does any of uses. */
static const knot__lint_op *first_use(const knot__lint_tu *tu, const knot__lint_func *f,
                                      unsigned uses, const knot__lint_key *ch) {
    for (size_t i = 0; i < f->nops; i++) {
        const knot__lint_chan_fn *via;
        if (knot__lint_key_eq(&f->ops[i].ch, ch) && (op_uses(tu, f, &f->ops[i], &via) & uses))
            return &f->ops[i];
    }
    return NULL;
}

/* Can the task spawned by call, which gets ch through arg, still be sending
 * when the maker closes ch? Not if it is one task, defined here, that sends
 * once: the maker's receive took its value. Anything unknown: yes. */
static bool task_may_send(const knot__lint_tu *tu, const knot__lint_func *f,
                          const knot__lint_call *call, const knot__lint_arg *arg,
                          const knot__lint_key *ch) {
    knot__lint_spawn sp;
    const knot__lint_tu *where;
    const knot__lint_func *task =
        knot__lint_spawn_of(tu, call->callee, &sp)
            ? knot__lint_find_callee(tu, knot__lint_spawn_task(call, &sp), &where)
            : NULL;
    if (!task || task->nparams == 0 || call->loop >= 0)
        return true;
    for (size_t i = 0; i < task->nops; i++) {
        const knot__lint_op *op = &task->ops[i];
        if (op->ch.root == task->params[0] && knot__lint_arg_carries(f, arg, ch, op->ch.field) &&
            (op->kind == KNOT_LINT_ESCAPE || (op->kind == KNOT_LINT_SEND && op->loop >= 0)))
            return true;
    }
    return false;
}

/* A channel the function made itself has senders only if it handed it to
 * someone; they may outlive the close if there are several, if one sends
 * repeatedly, or if the linter cannot see what they do. */
static bool senders_may_remain(const knot__lint_tu *tu, const knot__lint_func *f,
                               const knot__lint_key *ch) {
    for (size_t i = 0; i < f->nops; i++) {
        const knot__lint_chan_fn *via;
        if (f->ops[i].kind == KNOT_LINT_ESCAPE && knot__lint_key_eq(&f->ops[i].ch, ch) &&
            !knot__lint_escape_is_spawn(tu, f, &f->ops[i]) &&
            (knot__lint_escape_uses(tu, f, &f->ops[i], &via) &
             (KNOT_LINT_USE_LOST | KNOT_LINT_USE_SEND)))
            return true;
    }
    int spawns = 0;
    bool may_send = false;
    for (size_t i = 0; i < f->ncalls; i++) {
        const knot__lint_call *c = &f->calls[i];
        knot__lint_spawn sp;
        if (knot__lint_spawn_of(tu, c->callee, &sp) && sp.arg >= 0 && (size_t)sp.arg < c->nargs &&
            knot__lint_arg_carries(f, &c->args[sp.arg], ch, NULL)) {
            spawns++;
            may_send |= task_may_send(tu, f, c, &c->args[sp.arg], ch);
        }
    }
    return spawns > 1 || may_send;
}

static void name_of(const knot__lint_func *f, const knot__lint_op *op, char *buf, size_t size) {
    const knot__lint_var *v = knot__lint_find_var(f, op->ch.root);
    if (op->name[0])
        snprintf(buf, size, "%s", op->name);
    else
        snprintf(buf, size, "%s%s%s", v ? v->name : "the channel", op->ch.field[0] ? "->" : "",
                 op->ch.field);
}

/* The caller's channel: where a call or a spawn hands f the channel that
 * f knows as parameter `param` (field "" or the field holding it). */
typedef struct handover {
    const knot__lint_func *caller;
    const knot__lint_call *call;
    const knot__lint_var *chan;
} handover;

static const knot__lint_var *handed_chan(const knot__lint_func *g, const knot__lint_arg *arg,
                                         const char *field) {
    if (!field[0])
        return knot__lint_find_var(g, arg->key.root);
    for (size_t i = 0; i < g->nvars; i++)
        if (knot__lint_arg_carries(g, arg, &(knot__lint_key){g->vars[i].id, ""}, field))
            return &g->vars[i];
    return NULL;
}

static bool find_handover(const knot__lint_tu *tu, const knot__lint_func *f,
                          const knot__lint_key *ch, handover *h) {
    int param = knot__lint_param_index(f, ch->root);
    for (size_t i = 0; param >= 0 && i < tu->nfuncs; i++) {
        const knot__lint_func *g = &tu->funcs[i];
        for (size_t k = 0; k < g->ncalls; k++) {
            const knot__lint_call *c = &g->calls[k];
            knot__lint_spawn sp;
            const char *task = NULL;
            if (param == 0 && knot__lint_spawn_of(tu, c->callee, &sp))
                task = knot__lint_spawn_task(c, &sp);
            int a = !strcmp(c->callee, f->name)      ? param
                    : task && !strcmp(task, f->name) ? sp.arg
                                                     : -1;
            if (a < 0 || (size_t)a >= c->nargs)
                continue;
            const knot__lint_var *chan = handed_chan(g, &c->args[a], ch->field);
            if (chan) {
                *h = (handover){g, c, chan};
                return true;
            }
        }
    }
    return false;
}

/* close: a close, or a call to a function that closes (via) */
static void check_close(const knot__lint_tu *tu, const knot__lint_func *f,
                        const knot__lint_op *close, const knot__lint_chan_fn *via,
                        knot__findings *out) {
    const knot__lint_op *recv = first_use(tu, f, KNOT_LINT_USE_RECEIVES, &close->ch);
    if (!recv || first_use(tu, f, KNOT_LINT_USE_SEND | KNOT_LINT_USE_SENDS, &close->ch))
        return;
    const knot__lint_var *v = knot__lint_find_var(f, close->ch.root);
    bool own = v && !v->is_param && !close->ch.field[0];
    if (own && !senders_may_remain(tu, f, &close->ch))
        return; /* nobody can still be sending on it */
    char name[160], whose[200] = "", through[80] = "";
    name_of(f, close, name, sizeof name);
    if (via)
        snprintf(through, sizeof through, " through %s()", via->name);
    handover h;
    bool handed = !own && find_handover(tu, f, &close->ch, &h);
    if (handed && strcmp(h.chan->name, name) != 0)
        snprintf(whose, sizeof whose, " (%s()'s '%s')", h.caller->name, h.chan->name);
    knot__finding *fd = knot__findings_add(
        out, knot__rule_close_by_receiver.id, knot__rule_close_by_receiver.severity, false,
        knot__lint_loc(tu, close->pos, f->name),
        "%s() closes '%s'%s%s but only receives from it: its senders cannot know, and their next "
        "send panics (send on closed channel); let the sender close it, or tell the sender to "
        "stop through a separate done channel",
        f->name, name, whose, through);
    name_of(f, recv, name, sizeof name);
    knot__finding_relate(fd, knot__lint_loc(tu, recv->pos, f->name), "%s() receives from '%s' here",
                         f->name, name);
    if (handed)
        knot__finding_relate(fd, knot__lint_loc(tu, h.call->pos, h.caller->name),
                             "%s() hands '%s' to %s() here", h.caller->name, h.chan->name, f->name);
}

void knot__lint_check_close_by_receiver(const knot__lint_tu *tu, knot__findings *out) {
    for (size_t i = 0; i < tu->nfuncs; i++)
        for (size_t k = 0; k < tu->funcs[i].nops; k++) {
            const knot__lint_func *f = &tu->funcs[i];
            const knot__lint_op *op = &f->ops[k];
            const knot__lint_chan_fn *via = NULL;
            /* a helper that receives too is reported where it closes */
            if (op->kind == KNOT_LINT_CLOSE ||
                (op->kind == KNOT_LINT_ESCAPE &&
                 (op_uses(tu, f, op, &via) & (KNOT_LINT_USE_CLOSE | KNOT_LINT_USE_RECEIVES |
                                              KNOT_LINT_USE_LOST)) == KNOT_LINT_USE_CLOSE))
                check_close(tu, f, op, via, out);
        }
}
