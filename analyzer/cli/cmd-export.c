/* knot export TRACE [--format chrome] -o FILE.json: the run as a timeline
 * for other tools to show. The Trace Event Format (Perfetto,
 * chrome://tracing) is the one format so far. */
#include "cli-check.h"
#include "cli-commands.h"
#include "render-export-chrome.h"
#include "trace-outfile.h"

#include <stdio.h>
#include <string.h>

static int usage(const char *what, const char *arg) {
    fprintf(stderr, "knot: export: %s%s%s (see knot export --help)\n", what, arg ? " " : "",
            arg ? arg : "");
    return 2;
}

static int parse(int argc, char **argv, const char **trace, const char **output) {
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") || !strcmp(a, "--output") || !strcmp(a, "--format")) {
            if (i + 1 >= argc)
                return usage("missing value for", a);
            if (a[2] == 'f' && strcmp(argv[i + 1], "chrome") != 0)
                return usage("unknown format (the one format is chrome):", argv[i + 1]);
            if (a[2] != 'f')
                *output = argv[i + 1];
            i++;
        } else if (a[0] == '-' && a[1]) {
            return usage("unknown option", a);
        } else if (*trace) {
            return usage("one trace at a time:", a);
        } else {
            *trace = a;
        }
    }
    if (!*trace)
        return usage("no trace given", NULL);
    if (!*output)
        return usage("no output file given (-o FILE.json)", NULL);
    return 0;
}

int knot__cmd_export(int argc, char **argv) {
    const char *trace = NULL, *output = NULL;
    int rc = parse(argc, argv, &trace, &output);
    /* The findings become instants on the timeline. */
    return rc ? rc
              : knot__check_write(trace, output, KNOT_OUT_TIMELINE, "export", knot__export_chrome);
}
