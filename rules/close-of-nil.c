/* Rule `close-of-nil`: closing a nil channel panics (Go's spec; knot's
 * runtime does the same). Reported where the run did it. */
#include "panic-kinds.h"
#include "replay.h"

static void *start(const knot__replay *r, knot__findings *out) {
    (void)r;
    return out;
}

static void event(void *state, const knot__replay *r, const knot__event *e) {
    if (e->kind != KNOT_EV_PANIC || e->value != KNOT__PANIC_CLOSE_OF_NIL)
        return;
    knot__finding *f = knot__findings_add(state, knot__rule_close_of_nil.id, KNOT_ERROR, false,
                                          knot__replay_loc(r, e->site),
                                          "close of nil channel: the channel pointer is NULL here");
    f->seq = e->seq;
    knot__replay_add_task(r, f, e->task);
}

const knot__dynamic_check knot__check_close_of_nil = {&knot__rule_close_of_nil, start, event, NULL};
