/* knot check TRACE [--format text|json|sarif] [--fail-on SEVERITY]
 *                  [--rule ID ...] [-o|--output FILE] */
#include "cli-check.h"
#include "cli-commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int knot__cmd_check(int argc, char **argv) {
    knot__check_opts opts = {.format = KNOT_FORMAT_TEXT, .fail_on = KNOT_WARNING};
    const char *trace = NULL;
    int rc = 0;
    for (int i = 0; i < argc && rc == 0; i++) {
        int got = 0;
        if (!strcmp(argv[i], "-o")) { /* as graph, report and lint take it */
            if (i + 1 >= argc) {
                fputs("knot: check: -o needs a file\n", stderr);
                rc = 2;
                continue;
            }
            opts.output = argv[++i];
            continue;
        }
        got = knot__check_parse_option("check", &opts, argc, argv, &i);
        if (got < 0) {
            rc = 2;
        } else if (got == 0 && argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "knot: check: unknown option '%s' (see knot check --help)\n", argv[i]);
            rc = 2;
        } else if (got == 0 && trace) {
            fprintf(stderr, "knot: check: one trace at a time ('%s' and '%s')\n", trace, argv[i]);
            rc = 2;
        } else if (got == 0) {
            trace = argv[i];
        }
    }
    if (rc == 0 && !trace) {
        fputs("knot: check: no trace given (see knot check --help)\n", stderr);
        rc = 2;
    }
    if (rc == 0)
        rc = knot__check_report(trace, &opts);
    free(opts.rules);
    return rc;
}
