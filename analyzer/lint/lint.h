/* Linting translation units: parse each with libclang, report clang's
 * errors and gather its facts; once every unit's spawn wrappers are known
 * (lint-summary.h), run every static rule over each unit's facts. */
#ifndef KNOT_LINT_H
#define KNOT_LINT_H

#include "findings.h"
#include "lint-facts.h"

#include <clang-c/Index.h>

/* One translation unit to lint: the compiler command line (argv[0] is the
 * compiler) and the directory it runs in (NULL: the current one). The
 * source file is one of the arguments. */
typedef struct knot__lint_job {
    const char *file; /* for messages */
    const char *dir;
    char **argv;
    int argc;
} knot__lint_job;

/* Parse job with idx (one index per thread) into facts. Return 0, or 2 when clang could not parse
 * the file (its errors are on stderr by then). */
int knot__lint_parse(CXIndex idx, const knot__lint_job *job, knot__lint_tu *facts);
/* Run every static rule over one unit's facts. */
void knot__lint_run_checks(const knot__lint_tu *facts, knot__findings *out);

#endif
