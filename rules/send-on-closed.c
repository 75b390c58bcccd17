/* Rule `send-on-closed`: a send on a closed channel panics. Actual: the run
 * panicked. Predicted: a send that nothing orders before the close (no
 * channel, wait group, lock or join between them), so another schedule runs
 * it after the close and panics — the race that Go's runtime only reports
 * the day it happens.
 *
 * A receive took one sender's value, but could have taken another's: when
 * two producers share a channel, which of them a receive paired with orders
 * one producer's send before the other's close in this run, and not in the
 * next. For closed channels two or more tasks send on, the replay also keeps
 * the happens-before order without those pairing edges; a send ordered
 * before the close only through them is predicted too, unless the receives
 * ordered before the close without them are as many as the sends: then every
 * send was received before the close, whichever receive took it. */
#include "panic-kinds.h"
#include "replay.h"
#include "util-xalloc.h"

#include <stdlib.h>

/* The last send of each task on one channel: if that one is ordered before
 * the close, the task's earlier sends are too (program order). */
typedef struct last_send {
    long long object, seq, site;
    int task;
    knot__vc_t clock;
} last_send;

/* Per channel: the sends that delivered a value, and the receives that took
 * one (their epochs), for the count above. Kept only for the channels the
 * model without pairings covers. */
typedef struct epoch {
    int task;
    knot__vc_t clock;
} epoch;

typedef struct chan_count {
    long long sends;
    epoch *recvs;
    size_t nrecvs;
} chan_count;

typedef struct state {
    knot__findings *out;
    last_send *v;
    size_t n, cap;
    chan_count *chans; /* by object id */
    size_t nchans;
} state;

static void *start(const knot__replay *r, knot__findings *out) {
    (void)r;
    return knot__rule_state_new(sizeof(state), out);
}

static void remember(state *s, const knot__event *e) {
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].object == e->object && s->v[i].task == e->task) {
            s->v[i] = (last_send){e->object, e->seq, e->site, e->task, e->clock};
            return;
        }
    s->v = knot__xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
    s->v[s->n++] = (last_send){e->object, e->seq, e->site, e->task, e->clock};
}

static chan_count *count_of(state *s, long long ch) {
    s->chans = knot__xgrow(s->chans, &s->nchans, (size_t)ch + 1, sizeof *s->chans);
    return &s->chans[ch];
}

/* Did every send on the channel have to be received before the close,
 * whichever receive took which value? */
static bool all_received_before(state *s, const knot__replay *r, const knot__event *close) {
    chan_count *c = count_of(s, close->object);
    long long before = 0;
    for (size_t i = 0; i < c->nrecvs; i++)
        before += knot__replay_hb_unpaired(r, c->recvs[i].task, c->recvs[i].clock, close->task);
    return before >= c->sends;
}

static void closed(state *s, const knot__replay *r, const knot__event *close) {
    bool repair = knot__replay_unpaired(r, close->object) && !all_received_before(s, r, close);
    size_t keep = 0;
    for (size_t i = 0; i < s->n; i++) {
        last_send *ls = &s->v[i];
        if (ls->object != close->object) {
            s->v[keep++] = *ls;
            continue;
        }
        if (ls->task == close->task)
            continue;
        bool paired = knot__replay_hb(r, ls->task, ls->clock, close->task);
        if (paired && (!repair || knot__replay_hb_unpaired(r, ls->task, ls->clock, close->task)))
            continue;
        char ch[320];
        knot__replay_describe(r, close->object, ch, sizeof ch);
        knot__finding *f = knot__findings_add(
            s->out, knot__rule_send_on_closed.id, KNOT_ERROR, true, knot__replay_loc(r, ls->site),
            paired ? "send on %s is ordered before its close only by which sender a receive "
                     "happened to take: in another schedule a receive takes another sender's "
                     "value, this send runs after the close and panics"
                   : "send on %s is not ordered before its close: in another schedule it runs "
                     "after the close and panics",
            ch);
        f->seq = close->seq;
        knot__finding_relate(f, knot__replay_loc(r, close->site),
                             "task %d closes the channel here, with nothing ordering it after "
                             "the send",
                             close->task);
        knot__replay_add_task(r, f, ls->task);
        knot__replay_add_task(r, f, close->task);
    }
    s->n = keep;
}

static void actual(state *s, const knot__replay *r, const knot__event *e) {
    char ch[320];
    knot__replay_describe(r, e->object, ch, sizeof ch);
    knot__finding *f = knot__findings_add(s->out, knot__rule_send_on_closed.id, KNOT_ERROR, false,
                                          knot__replay_loc(r, e->site), "send on closed %s", ch);
    f->seq = e->seq;
    knot__replay_add_task(r, f, e->task);
    if (e->object > 0 && r->objects[e->object].closed) {
        knot__finding_relate(f, knot__replay_loc(r, r->objects[e->object].close_site),
                             "task %d closed it here", r->objects[e->object].close_task);
        knot__replay_add_task(r, f, r->objects[e->object].close_task);
    }
}

/* Count the values through a channel the model without pairings covers. */
static void count(state *s, const knot__replay *r, const knot__event *e, bool send) {
    if (!knot__replay_unpaired(r, e->object))
        return;
    chan_count *c = count_of(s, e->object);
    if (send) {
        c->sends++;
        return;
    }
    if (e->has_matched && e->matched == r->objects[e->object].close_seq)
        return; /* saw it closed: took no value */
    epoch *v = knot__xrealloc(c->recvs, (c->nrecvs + 1) * sizeof *v);
    c->recvs = v;
    c->recvs[c->nrecvs++] = (epoch){e->task, e->clock};
}

static void event(void *st, const knot__replay *r, const knot__event *e) {
    state *s = st;
    bool send = knot__event_is_send(e) && !(e->kind == KNOT_EV_CHAN_SEND && e->has_matched);
    if (send || knot__event_is_recv(e))
        count(s, r, e, send);
    if (send)
        remember(s, e);
    else if (e->kind == KNOT_EV_CHAN_CLOSE && r->objects[e->object].close_seq == e->seq)
        closed(s, r, e); /* the first close; a second one is close-of-closed's */
    else if (e->kind == KNOT_EV_PANIC && e->value == KNOT__PANIC_SEND_ON_CLOSED)
        actual(s, r, e);
}

static void finish(void *st, const knot__replay *r, knot__findings *out) {
    (void)r, (void)out;
    state *s = st;
    for (size_t i = 0; i < s->nchans; i++)
        free(s->chans[i].recvs);
    free(s->chans);
    free(s->v);
    free(s);
}

const knot__dynamic_check knot__check_send_on_closed = {&knot__rule_send_on_closed, start, event,
                                                        finish};
