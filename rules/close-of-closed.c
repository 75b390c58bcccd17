/* Rule `close-of-closed`: a second close of a channel panics. Reported when
 * the run did it, with the first close as the related site. (A second close
 * that did not run leaves nothing in a trace to reorder, so this rule has no
 * predicted form; the static double-close lint covers paths.) */
#include "panic-kinds.h"
#include "replay.h"

static void *start(const knot__replay *r, knot__findings *out) {
    (void)r;
    return out;
}

static void event(void *state, const knot__replay *r, const knot__event *e) {
    if (e->kind != KNOT_EV_PANIC || e->value != KNOT__PANIC_CLOSE_OF_CLOSED)
        return;
    char ch[320];
    knot__replay_describe(r, e->object, ch, sizeof ch);
    knot__finding *f = knot__findings_add(state, knot__rule_close_of_closed.id, KNOT_ERROR, false,
                                          knot__replay_loc(r, e->site), "close of closed %s", ch);
    f->seq = e->seq;
    const knot__object_info *o = e->object > 0 ? &r->objects[e->object] : NULL;
    if (o && o->closed)
        knot__finding_relate(f, knot__replay_loc(r, o->close_site), "task %d closed it first here",
                             o->close_task);
    knot__replay_add_task(r, f, e->task);
}

const knot__dynamic_check knot__check_close_of_closed = {&knot__rule_close_of_closed, start, event,
                                                         NULL};
