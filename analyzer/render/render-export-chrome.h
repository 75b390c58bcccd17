/* knot export's timeline: a run in the Trace Event Format that Perfetto and
 * chrome://tracing read, the picture of a whole run over time that Go users
 * get from `go tool trace`. */
#ifndef KNOT_RENDER_EXPORT_CHROME_H
#define KNOT_RENDER_EXPORT_CHROME_H

#include "findings.h"
#include "replay.h"

#include <stddef.h>
#include <stdio.h>

/* Write r's events as a Trace Event Format document to out: a track per
 * task named as the report names it, a slice for every interval a task was
 * blocked and every critical section, a zero-length slice for each
 * operation, flow arrows for each hand-off (a send to the receive that took
 * its value, an unlock to the next lock, and every other event a later one
 * names as its match), and an instant for each finding of fs on its task's
 * track. Returns 0; -1 with a one-line reason in err; -2 when out could not
 * be written (errno says why). */
int knot__export_chrome(FILE *out, const knot__replay *r, const knot__findings *fs, char *err,
                        size_t errsize);

#endif
