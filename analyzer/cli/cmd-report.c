/* knot report TRACE -o FILE.html: the findings, their sources and their
 * pictures on one self-contained page. */
#include "cli-check.h"
#include "cli-commands.h"
#include "render-report-html.h"
#include "trace-outfile.h"

#include <stdio.h>
#include <string.h>

static int write_page(FILE *out, const knot__replay *r, const knot__findings *fs, char *err,
                      size_t errsize) {
    (void)err, (void)errsize;
    return knot__report_html(out, r, fs) != 0 ? -2 : 0;
}

int knot__cmd_report(int argc, char **argv) {
    const char *trace = NULL, *output = NULL;
    for (int i = 0; i < argc; i++) {
        if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) && i + 1 < argc) {
            output = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "knot: report: unknown option '%s' (see knot report --help)\n",
                    argv[i]);
            return 2;
        } else if (trace) {
            fprintf(stderr, "knot: report: one trace at a time ('%s' and '%s')\n", trace, argv[i]);
            return 2;
        } else {
            trace = argv[i];
        }
    }
    if (!trace || !output) {
        fputs("knot: report: usage: knot report TRACE -o FILE.html (see knot report --help)\n",
              stderr);
        return 2;
    }
    return knot__check_write(trace, output, KNOT_OUT_HTML, "report", write_page);
}
