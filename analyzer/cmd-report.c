/* knot report TRACE -o FILE.html: the findings, their sources and their
 * pictures on one self-contained page. */
#include "check.h"
#include "commands.h"
#include "outfile.h"
#include "report-html.h"
#include "trace-import.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

int knot_cmd_report(int argc, char **argv) {
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
    char err[PATH_MAX + 1024];
    knot_out_input input = {trace, "the trace it reads"};
    if (knot_outfile_check(output, KNOT_OUT_HTML, &input, 1, err, sizeof err) != 0) {
        fprintf(stderr, "knot: %s\n", err);
        return 2;
    }
    knot_import_stats stats;
    knot_replay r;
    if (knot_trace_import_pending(trace, &stats, err, sizeof err) < 0 ||
        knot_trace_validate(trace, err, sizeof err) != 0 ||
        knot_replay_open(&r, trace, err, sizeof err) != 0) {
        fprintf(stderr, "knot: %s\n", err);
        return 2;
    }
    knot_findings fs = {0};
    int rc = knot_check_replay(&r, &fs, err, sizeof err);
    if (rc == 0 && r.events == 0) {
        snprintf(err, sizeof err, "%s: the trace holds no events: nothing to report", trace);
        rc = -1;
    }
    if (rc == 0) {
        knot_outfile out;
        rc = knot_outfile_open(&out, output, KNOT_OUT_HTML, &input, 1, err, sizeof err);
        if (rc == 0 && knot_report_html(out.f, &r, &fs) != 0) {
            snprintf(err, sizeof err, "cannot write %s: %s", output, strerror(errno));
            knot_outfile_abort(&out);
            rc = -1;
        } else if (rc == 0) {
            rc = knot_outfile_commit(&out, err, sizeof err);
        }
    }
    if (rc != 0)
        fprintf(stderr, "knot: %s\n", err);
    knot_findings_free(&fs);
    knot_replay_close(&r);
    return rc ? 2 : 0;
}
