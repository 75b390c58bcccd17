/* Rule `deadlock`: a cycle of tasks waiting on each other, or every task asleep. */
#include "../analyzer/rules.h"

const knot_rule knot_rule_deadlock = {
    .id = "deadlock",
    .kind = KNOT_RULE_DYNAMIC,
    .severity = KNOT_ERROR,
    .summary = "a cycle of tasks waiting on each other, or every task asleep",
};
