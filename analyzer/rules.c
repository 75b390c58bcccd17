/* The registry of every rule; see rules.h. Keep ids sorted by pipeline, then
 * as DESIGN.md lists them: SARIF's ruleIndex follows this order. */
#include "rules.h"

#include <string.h>

extern const knot_rule knot_rule_leak, knot_rule_deadlock, knot_rule_send_on_closed,
    knot_rule_close_of_closed, knot_rule_close_of_nil, knot_rule_lock_order,
    knot_rule_lock_order_latent, knot_rule_lock_misuse, knot_rule_wg_negative,
    knot_rule_loop_capture, knot_rule_close_by_receiver, knot_rule_unreceived_send;

/* Dynamic rules (checked by the replayer), then static ones (the linter). */
const knot_rule *const knot_rules[] = {
    &knot_rule_leak,
    &knot_rule_deadlock,
    &knot_rule_send_on_closed,
    &knot_rule_close_of_closed,
    &knot_rule_close_of_nil,
    &knot_rule_lock_order,
    &knot_rule_lock_order_latent,
    &knot_rule_lock_misuse,
    &knot_rule_wg_negative,
    &knot_rule_loop_capture,
    &knot_rule_close_by_receiver,
    &knot_rule_unreceived_send,
};

const size_t knot_rules_count = sizeof knot_rules / sizeof knot_rules[0];

const knot_rule *knot_rule_find(const char *id) {
    for (size_t i = 0; i < knot_rules_count; i++)
        if (strcmp(knot_rules[i]->id, id) == 0)
            return knot_rules[i];
    return NULL;
}
