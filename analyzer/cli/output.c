/* One output and exit-status path for the findings of every command (see
 * output.h). */
#include "output.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

enum knot_out_kind knot_output_kind(enum knot_format format) {
    return format == KNOT_FORMAT_JSON    ? KNOT_OUT_JSON
           : format == KNOT_FORMAT_SARIF ? KNOT_OUT_SARIF
                                         : KNOT_OUT_TEXT;
}

int knot_output_ok(const knot_output *o) {
    char err[PATH_MAX + 128];
    if (!o->path || knot_outfile_check(o->path, knot_output_kind(o->format), o->inputs, o->ninputs,
                                       err, sizeof err) == 0)
        return 0;
    fprintf(stderr, "knot: %s\n", err);
    return 2;
}

int knot_output_findings(const knot_findings *fs, const knot_output *o) {
    char err[PATH_MAX + 1024];
    FILE *out = o->std;
    knot_outfile file;
    if (o->path) {
        if (knot_outfile_open(&file, o->path, knot_output_kind(o->format), o->inputs, o->ninputs,
                              err, sizeof err) != 0) {
            fprintf(stderr, "knot: %s\n", err);
            return 2;
        }
        out = file.f;
    }
    bool color = out == o->std && knot_findings_color(o->std);
    int rc = knot_findings_write(fs, o->format, out, color);
    if (out == o->std) {
        /* A write error shows only once the stream is flushed. */
        if (fflush(o->std) != 0)
            rc = -1;
        if (rc != 0)
            snprintf(err, sizeof err, "cannot write the findings: %s", strerror(errno));
    } else if (rc != 0) {
        snprintf(err, sizeof err, "cannot write %s: %s", o->path, strerror(errno));
        knot_outfile_abort(&file);
    } else {
        rc = knot_outfile_commit(&file, err, sizeof err);
    }
    if (rc != 0) {
        fprintf(stderr, "knot: %s\n", err);
        return 2;
    }
    if (o->subject && o->format == KNOT_FORMAT_TEXT && fs->n == 0 && out == o->std)
        fprintf(stderr, "knot: %s: no findings\n", o->subject);
    return knot_findings_max_severity(fs) >= (int)o->fail_on ? 1 : 0;
}
