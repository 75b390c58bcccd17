/* The dynamic pipeline: trace → replay → rules → findings. */
#ifndef KNOT_CLI_CHECK_H
#define KNOT_CLI_CHECK_H

#include "findings.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Replay the trace at path through every dynamic rule and add the findings,
 * sorted and with `knot:ignore` suppressions applied. Returns 0, or -1 with
 * a one-line reason in err. */
int knot__check_trace(const char *path, knot__findings *out, char *err, size_t errsize);

/* The same on a replay the caller opened and will close, so that its final
 * state stays readable (for the graphs). */
typedef struct knot__replay knot__replay;
int knot__check_replay(knot__replay *r, knot__findings *out, char *err, size_t errsize);

/* Open trace for a command (replay-open.h: import, open, validate). Returns
 * 0 with r open, or 2 (the exit status) after the one line on stderr that
 * every command gives for a missing, foreign or corrupt trace. */
int knot__check_open(knot__replay *r, const char *trace);

/* Options shared by `knot check` and `knot run`. */
typedef struct knot__check_opts {
    int format;          /* enum knot__format */
    int fail_on;         /* enum knot__severity */
    const char *output;  /* NULL: stdout (or stderr, with to_stderr) */
    const char *program; /* knot run's program: never written over */
    bool to_stderr;
    const char **rules; /* --rule ids */
    size_t nrules;
} knot__check_opts;

/* Parse one option of command cmd at argv[*i] into opts. Returns 1 if it
 * was one (with *i advanced past its value), 0 if not, -1 on a bad value
 * (after a message; see knot__output_option). */
int knot__check_parse_option(const char *cmd, knot__check_opts *opts, int argc, char **argv,
                             int *i);

/* Check trace, print the findings as opts say, and return the exit status:
 * 0 clean, 1 findings at or above fail_on, 2 error. */
int knot__check_report(const char *trace, const knot__check_opts *opts);

/* The same for a run that left more traces (its child processes'): their
 * findings join the trace's in one report, each message led by the child's
 * label ("child process sh (pid 12)"), and count for the exit status. */
int knot__check_report_run(const char *trace, const char *const *children,
                           const char *const *labels, size_t nchildren,
                           const knot__check_opts *opts);
/* 0 if opts->output may be written (see trace-outfile.h), else 2 after a line. */
int knot__check_output_ok(const char *trace, const knot__check_opts *opts);

/* What knot report and knot export share: check trace, then write what
 * write makes of the replay and its findings into output, a file of kind
 * (enum knot__out_kind; never over the trace: see trace-outfile.h). write returns
 * 0, -1 with a one-line reason in err, or -2 when out could not be written.
 * what names the output in the refusal of a trace with no events ("report").
 * Returns the exit status: 0, or 2 after one line on stderr. */
typedef int (*knot__check_writer)(FILE *out, const knot__replay *r, const knot__findings *fs,
                                  char *err, size_t errsize);
int knot__check_write(const char *trace, const char *output, int kind, const char *what,
                      knot__check_writer write);

#endif
