/* Rule `leak`: a task blocked forever when the program ended. */
#include "../analyzer/rules.h"

const knot_rule knot_rule_leak = {
    .id = "leak",
    .kind = KNOT_RULE_DYNAMIC,
    .severity = KNOT_WARNING,
    .summary = "a task blocked forever when the program ended",
};
