/* Rule `lock-misuse`: a pthread lock or condition variable used against its contract. */
#include "../analyzer/rules.h"

const knot_rule knot_rule_lock_misuse = {
    .id = "lock-misuse",
    .kind = KNOT_RULE_DYNAMIC,
    .severity = KNOT_WARNING,
    .summary = "a pthread lock or condition variable used against its contract",
};
