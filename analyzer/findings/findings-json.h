/* Pieces of the JSON writer that the SARIF writer shares. */
#ifndef KNOT_FINDINGS_JSON_H
#define KNOT_FINDINGS_JSON_H

#include "findings.h"

#include <jansson.h>

json_t *knot__json_loc(const knot__loc *loc);
json_t *knot__json_task(const knot__finding_task *t);
/* Write doc (and release it); 0 or -1 on a write error. */
int knot__json_dump(json_t *doc, FILE *out);

#endif
