/* Rule `close-of-nil`: close of a nil channel. */
#include "../analyzer/rules.h"

const knot_rule knot_rule_close_of_nil = {
    .id = "close-of-nil",
    .kind = KNOT_RULE_DYNAMIC,
    .severity = KNOT_ERROR,
    .summary = "close of a nil channel",
};
