/* The one way every command opens a trace (see replay-open.h): the import,
 * the open and the validation in one order, with one set of messages. */
#include "replay-open.h"
#include "trace-import.h"

#include <string.h>

int knot__trace_open(knot__replay *r, const char *trace, char *err, size_t errsize) {
    knot__import_stats stats;
    memset(r, 0, sizeof *r); /* closed, whatever fails */
    if (knot__trace_import_pending(trace, &stats, err, errsize) < 0)
        return -1;
    if (knot__replay_open(r, trace, err, errsize) != 0)
        return -1;
    if (knot__trace_validate(r, err, errsize) != 0) {
        knot__replay_close(r);
        return -1;
    }
    return 0;
}
