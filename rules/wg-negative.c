/* Rule `wg-negative`: a wait group's counter goes negative, or can in another schedule. */
#include "../analyzer/rules.h"

const knot_rule knot_rule_wg_negative = {
    .id = "wg-negative",
    .kind = KNOT_RULE_DYNAMIC,
    .severity = KNOT_ERROR,
    .summary = "a wait group's counter goes negative, or can in another schedule",
};
