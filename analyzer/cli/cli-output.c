/* One output and exit-status path for the findings of every command (see
 * cli-output.h). */
#include "cli-output.h"
#include "util-xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

int knot__output_option(const char *cmd, const char *opt, const char *value,
                        enum knot__rule_kind rules, int *format, int *fail_on,
                        const char ***rule_ids, size_t *nrules) {
    if (!strcmp(opt, "--format")) {
        int f = knot__format_parse(value);
        if (f < 0) {
            fprintf(stderr, "knot: %s: bad --format '%s' (text, json or sarif)\n", cmd, value);
            return -1;
        }
        *format = f;
    } else if (!strcmp(opt, "--fail-on")) {
        int s = knot__severity_parse(value);
        if (s < 0) {
            fprintf(stderr, "knot: %s: bad --fail-on '%s' (note, warning or error)\n", cmd, value);
            return -1;
        }
        *fail_on = s;
    } else if (!strcmp(opt, "--rule")) {
        const knot__rule *rule = knot__rule_find(value);
        if (!rule) {
            fprintf(stderr, "knot: %s: unknown rule '%s' (knot rules lists them)\n", cmd, value);
            return -1;
        }
        if (rule->kind != rules) {
            fprintf(stderr, "knot: %s: '%s' is not a %s rule (%s)\n", cmd, value,
                    rules == KNOT_RULE_STATIC ? "static" : "dynamic",
                    rules == KNOT_RULE_STATIC ? "knot check finds it in a trace"
                                              : "knot lint finds it in the source");
            return -1;
        }
        *rule_ids = knot__xrealloc(*rule_ids, (*nrules + 1) * sizeof **rule_ids);
        (*rule_ids)[(*nrules)++] = value;
    } else {
        return 0;
    }
    return 1;
}

enum knot__out_kind knot__output_kind(enum knot__format format) {
    return format == KNOT_FORMAT_JSON    ? KNOT_OUT_JSON
           : format == KNOT_FORMAT_SARIF ? KNOT_OUT_SARIF
                                         : KNOT_OUT_TEXT;
}

int knot__output_ok(const knot__output *o) {
    char err[PATH_MAX + 128];
    if (!o->path || knot__outfile_check(o->path, knot__output_kind(o->format), o->inputs,
                                        o->ninputs, err, sizeof err) == 0)
        return 0;
    fprintf(stderr, "knot: %s\n", err);
    return 2;
}

int knot__output_findings(const knot__findings *fs, const knot__output *o) {
    char err[PATH_MAX + 1024];
    FILE *out = o->std;
    knot__outfile file;
    if (o->path) {
        if (knot__outfile_open(&file, o->path, knot__output_kind(o->format), o->inputs, o->ninputs,
                               err, sizeof err) != 0) {
            fprintf(stderr, "knot: %s\n", err);
            return 2;
        }
        out = file.f;
    }
    bool color = out == o->std && knot__findings_color(o->std);
    int rc = knot__findings_write(fs, o->format, out, color);
    if (out == o->std) {
        /* A write error shows only once the stream is flushed. */
        if (fflush(o->std) != 0)
            rc = -1;
        if (rc != 0)
            snprintf(err, sizeof err, "cannot write the findings: %s", strerror(errno));
    } else if (rc != 0) {
        snprintf(err, sizeof err, "cannot write %s: %s", o->path, strerror(errno));
        knot__outfile_abort(&file);
    } else {
        rc = knot__outfile_commit(&file, err, sizeof err);
    }
    if (rc != 0) {
        fprintf(stderr, "knot: %s\n", err);
        return 2;
    }
    if (o->subject && o->format == KNOT_FORMAT_TEXT && fs->n == 0 && out == o->std)
        fprintf(stderr, "knot: %s: no findings\n", o->subject);
    return knot__findings_max_severity(fs) >= (int)o->fail_on ? 1 : 0;
}
