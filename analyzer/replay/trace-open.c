/* The one way every command opens a trace (see trace-open.h): the import,
 * the open and the validation in one order, with one set of messages. */
#include "trace-open.h"
#include "trace-import.h"

#include <string.h>

int knot_trace_open(knot_replay *r, const char *trace, char *err, size_t errsize) {
    knot_import_stats stats;
    memset(r, 0, sizeof *r); /* closed, whatever fails */
    if (knot_trace_import_pending(trace, &stats, err, errsize) < 0)
        return -1;
    if (knot_replay_open(r, trace, err, errsize) != 0)
        return -1;
    if (knot_trace_validate(r, err, errsize) != 0) {
        knot_replay_close(r);
        return -1;
    }
    return 0;
}
