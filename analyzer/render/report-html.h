/* The one-page HTML report of a checked trace (report-html.c). */
#ifndef KNOT_REPORT_HTML_H
#define KNOT_REPORT_HTML_H

#include "findings.h"
#include "replay.h"

#include <stdio.h>

/* Write the report of r (already run) and its findings to out; 0 or -1 on a
 * write error. */
int knot_report_html(FILE *out, const knot_replay *r, const knot_findings *fs);

#endif
