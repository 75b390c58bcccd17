/* The one-page HTML report of a checked trace (render-report-html.c). */
#ifndef KNOT_RENDER_REPORT_HTML_H
#define KNOT_RENDER_REPORT_HTML_H

#include "findings.h"
#include "replay.h"

#include <stdio.h>

/* Write the report of r (already run) and its findings to out; 0 or -1 on a
 * write error. */
int knot__report_html(FILE *out, const knot__replay *r, const knot__findings *fs);

#endif
