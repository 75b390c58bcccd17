/* Rule `send-on-closed`: a send on a closed channel, or a send not ordered with the close. */
#include "../analyzer/rules.h"

const knot_rule knot_rule_send_on_closed = {
    .id = "send-on-closed",
    .kind = KNOT_RULE_DYNAMIC,
    .severity = KNOT_ERROR,
    .summary = "a send on a closed channel, or a send not ordered with the close",
};
