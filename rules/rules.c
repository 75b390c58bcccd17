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

/* The short repairs each output gives beside a finding: one place for all
 * of them, so the text, the report and the pages cannot drift apart. The
 * pages (docs/rules/ID.md, "Fixes") show them with code. */
static const struct {
    const char *id, *fix;
} fixes[] = {
    {"leak", "give every blocked send a receiver (or the channel room for every sender), close "
             "what receivers range over, and let tasks that may outlive their reader select on a "
             "done channel"},
    {"deadlock", "break the cycle: take nested locks in one global order, never send, join or "
                 "wait while holding a lock, and close, send or call Done on every path a waiter "
                 "counts on"},
    {"send-on-closed", "order every send before the close: let the one sender close, or close "
                       "after a wait group every sender's Done releases"},
    {"close-of-closed", "close each channel in one place, once: funnel every trigger through a "
                        "close-once helper (a flag under a mutex)"},
    {"close-of-nil", "close only a channel that was made, and check a pointer that may be NULL"},
    {"lock-order", "take these locks in one order everywhere (by rank, or by address when only "
                   "known at run time), or take the out-of-order one with a trylock and back off"},
    {"lock-order-latent", "as for lock-order: one order for nested locks, a trylock and back-off, "
                          "or a gate lock around both paths"},
    {"lock-misuse", "unlock in the function that locked, on every path and in the same thread; "
                    "wait on a condition variable with its one mutex held; destroy a lock after "
                    "its last user"},
    {"wg-negative", "call Add before spawning the task that calls Done, once per task, and undo "
                    "it if the spawn fails"},
    {"loop-capture", "give each task its own copy (knot_go_copy), or an argument that outlives "
                     "the iteration"},
    {"close-by-receiver", "let the sender close its channel; to stop senders early, close a "
                          "separate done channel they select on"},
    {"unreceived-send", "give the channel room for every sender, or keep receiving until every "
                        "sender is done"},
};

const char *knot_rule_fix(const char *id) {
    for (size_t i = 0; i < sizeof fixes / sizeof fixes[0]; i++)
        if (strcmp(fixes[i].id, id) == 0)
            return fixes[i].fix;
    return NULL;
}

#ifndef KNOT_RULE_DOCS
#define KNOT_RULE_DOCS "docs/rules"
#endif

void knot_rule_page(const char *id, char *out, size_t size) {
    snprintf(out, size, "%s/%s.md", KNOT_RULE_DOCS, id);
}
