/* The dynamic pipeline and the options `knot check` and `knot run` share. */
#include "cli-check.h"
#include "cli-output.h"
#include "findings-rules.h"
#include "replay-open.h"
#include "replay.h"
#include "trace-outfile.h"
#include "util-xalloc.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How the program ended, if knot run recorded it. */
static void read_end(const char *path, knot__run_end *end) {
    sqlite3 *db;
    sqlite3_stmt *st;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT key, value FROM meta WHERE key IN "
                           "('exit_status', 'exit_signal', 'timed_out_signal')",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *key = (const char *)sqlite3_column_text(st, 0);
            end->value = sqlite3_column_int(st, 1);
            end->how = !strcmp(key, "exit_status")   ? KNOT_END_EXIT
                       : !strcmp(key, "exit_signal") ? KNOT_END_SIGNAL
                                                     : KNOT_END_TIMEOUT;
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
}

int knot__check_replay(knot__replay *r, knot__findings *out, char *err, size_t errsize) {
    int rc =
        knot__replay_run(r, knot__dynamic_checks, knot__dynamic_checks_count, out, err, errsize);
    if (rc == 0) {
        read_end(r->path, &out->end);
        knot__findings_apply_suppressions(out);
        knot__findings_sort(out);
    }
    return rc;
}

int knot__check_trace(const char *path, knot__findings *out, char *err, size_t errsize) {
    knot__replay r;
    if (knot__trace_open(&r, path, err, errsize) != 0)
        return -1;
    int rc = knot__check_replay(&r, out, err, errsize);
    knot__replay_close(&r);
    return rc;
}

int knot__check_open(knot__replay *r, const char *trace) {
    char err[PATH_MAX + 1024];
    if (knot__trace_open(r, trace, err, sizeof err) == 0)
        return 0;
    fprintf(stderr, "knot: %s\n", err);
    return 2;
}

int knot__check_parse_option(const char *cmd, knot__check_opts *opts, int argc, char **argv,
                             int *i) {
    const char *a = argv[*i];
    bool takes_value = !strcmp(a, "--format") || !strcmp(a, "--fail-on") || !strcmp(a, "--rule") ||
                       !strcmp(a, "--output");
    if (!takes_value)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "knot: %s: %s needs a value\n", cmd, a);
        return -1;
    }
    const char *v = argv[++*i];
    if (!strcmp(a, "--output")) {
        opts->output = v;
        return 1;
    }
    return knot__output_option(cmd, a, v, KNOT_RULE_DYNAMIC, &opts->format, &opts->fail_on,
                               &opts->rules, &opts->nrules);
}

/* Move the findings of a child process's trace into fs, labelled. */
static int take_child(knot__findings *fs, const char *trace, const char *label) {
    knot__findings child = {0};
    char err[1024];
    if (knot__check_trace(trace, &child, err, sizeof err) != 0) {
        fprintf(stderr, "knot: %s\n", err);
        knot__findings_free(&child);
        return -1;
    }
    for (size_t k = 0; k < child.n; k++) {
        knot__finding *f = &child.v[k];
        fs->v = knot__xgrow(fs->v, &fs->cap, fs->n + 1, sizeof *fs->v);
        size_t len = strlen(label) + strlen(f->message) + 3;
        char *message = knot__xmalloc(len);
        snprintf(message, len, "%s: %s", label, f->message);
        free(f->message);
        f->message = message;
        fs->v[fs->n++] = *f; /* moved: child keeps no pointer into it */
    }
    child.n = 0;
    knot__findings_free(&child);
    return 0;
}

/* Where opts send the findings of a check of trace. */
static knot__output output_of(const knot__check_opts *opts, const char *trace,
                              const knot__out_input inputs[2]) {
    return (knot__output){.format = (enum knot__format)opts->format,
                          .fail_on = (enum knot__severity)opts->fail_on,
                          .path = opts->output,
                          .std = opts->to_stderr ? stderr : stdout,
                          .inputs = inputs,
                          .ninputs = 2,
                          .subject = trace};
}

int knot__check_output_ok(const char *trace, const knot__check_opts *opts) {
    knot__out_input inputs[] = {{trace, "the trace it reads"},
                                {opts->program, "the program it runs"}};
    knot__output o = output_of(opts, trace, inputs);
    return knot__output_ok(&o);
}

int knot__check_report(const char *trace, const knot__check_opts *opts) {
    return knot__check_report_run(trace, NULL, NULL, 0, opts);
}

int knot__check_report_run(const char *trace, const char *const *children,
                           const char *const *labels, size_t nchildren,
                           const knot__check_opts *opts) {
    if (knot__check_output_ok(trace, opts) != 0)
        return 2;
    knot__findings fs = {0};
    char err[PATH_MAX + 1024];
    if (knot__check_trace(trace, &fs, err, sizeof err) != 0) {
        fprintf(stderr, "knot: %s\n", err);
        knot__findings_free(&fs);
        return 2;
    }
    bool failed = false;
    for (size_t k = 0; k < nchildren; k++)
        failed |= take_child(&fs, children[k], labels[k]) != 0;
    knot__findings_filter_rules(&fs, opts->rules, opts->nrules);
    knot__out_input inputs[] = {{trace, "the trace it reads"},
                                {opts->program, "the program it runs"}};
    knot__output o = output_of(opts, trace, inputs);
    int rc = knot__output_findings(&fs, &o);
    knot__findings_free(&fs);
    return failed ? 2 : rc;
}

int knot__check_write(const char *trace, const char *output, int kind, const char *what,
                      knot__check_writer write) {
    char err[PATH_MAX + 1024];
    knot__out_input input = {trace, "the trace it reads"};
    if (knot__outfile_check(output, (enum knot__out_kind)kind, &input, 1, err, sizeof err) != 0) {
        fprintf(stderr, "knot: %s\n", err);
        return 2;
    }
    knot__replay r;
    if (knot__check_open(&r, trace) != 0)
        return 2;
    knot__findings fs = {0};
    int rc = knot__check_replay(&r, &fs, err, sizeof err);
    if (rc == 0 && r.events == 0) {
        snprintf(err, sizeof err, "%s: the trace holds no events: nothing to %s", trace, what);
        rc = -1;
    }
    if (rc == 0) {
        knot__outfile out;
        rc =
            knot__outfile_open(&out, output, (enum knot__out_kind)kind, &input, 1, err, sizeof err);
        int written = rc == 0 ? write(out.f, &r, &fs, err, sizeof err) : 0;
        if (written != 0) {
            if (written == -2)
                snprintf(err, sizeof err, "cannot write %s: %s", output, strerror(errno));
            knot__outfile_abort(&out);
            rc = -1;
        } else if (rc == 0) {
            rc = knot__outfile_commit(&out, err, sizeof err);
        }
    }
    if (rc != 0)
        fprintf(stderr, "knot: %s\n", err);
    knot__findings_free(&fs);
    knot__replay_close(&r);
    return rc ? 2 : 0;
}
