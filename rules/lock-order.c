/* Rule `lock-order`: locks taken in inconsistent orders by concurrent tasks: a potential deadlock.
 */
#include "../analyzer/rules.h"

const knot_rule knot_rule_lock_order = {
    .id = "lock-order",
    .kind = KNOT_RULE_DYNAMIC,
    .severity = KNOT_WARNING,
    .summary = "locks taken in inconsistent orders by concurrent tasks: a potential deadlock",
};
