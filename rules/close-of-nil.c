/* Rule `close-of-nil`: closing a nil channel panics (Go's spec; knot's
 * runtime does the same). Reported where the run did it. */
#include "panic-kinds.h"
#include "replay.h"

static void *start(const knot_replay *r, knot_findings *out) {
    (void)r;
    return out;
}

static void event(void *state, const knot_replay *r, const knot_event *e) {
    if (e->kind != KNOT_EV_PANIC || e->value != KNOT__PANIC_CLOSE_OF_NIL)
        return;
    knot_finding *f = knot_findings_add(state, knot_rule_close_of_nil.id, KNOT_ERROR, false,
                                        knot_replay_loc(r, e->site),
                                        "close of nil channel: the channel pointer is NULL here");
    f->seq = e->seq;
    knot_replay_add_task(r, f, e->task);
}

const knot_dynamic_check knot_check_close_of_nil = {&knot_rule_close_of_nil, start, event, NULL};
