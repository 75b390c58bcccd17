/* Linting one translation unit: parse it with libclang, report clang's
 * errors, gather the facts and run every static rule over them. */
#ifndef KNOT_LINT_H
#define KNOT_LINT_H

#include "findings.h"

#include <clang-c/Index.h>

/* One translation unit to lint: the compiler command line (argv[0] is the
 * compiler) and the directory it runs in (NULL: the current one). The
 * source file is one of the arguments. */
typedef struct knot_lint_job {
    const char *file; /* for messages */
    const char *dir;
    char **argv;
    int argc;
} knot_lint_job;

/* Lint job with idx (one index per thread). Return 0, or 2 when clang could
 * not parse the file (its errors are on stderr by then). */
int knot__lint_run(CXIndex idx, const knot_lint_job *job, knot_findings *out);

#endif
