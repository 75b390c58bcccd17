/* Rule `close-of-closed`: a second close of a channel. */
#include "../analyzer/rules.h"

const knot_rule knot_rule_close_of_closed = {
    .id = "close-of-closed",
    .kind = KNOT_RULE_DYNAMIC,
    .severity = KNOT_ERROR,
    .summary = "a second close of a channel",
};
