/* Where a command's findings go and what they make its exit status: one
 * path for knot check, knot run and knot lint, so that the formats, the
 * colour, the refusals and the statuses cannot drift apart. */
#ifndef KNOT_CLI_OUTPUT_H
#define KNOT_CLI_OUTPUT_H

#include "findings-rules.h"
#include "findings.h"
#include "trace-outfile.h"

#include <stddef.h>
#include <stdio.h>

typedef struct knot__output {
    enum knot__format format;
    enum knot__severity fail_on;
    const char *path;              /* -o FILE; NULL: std */
    FILE *std;                     /* stdout, or stderr (knot run: never the program's output) */
    const knot__out_input *inputs; /* what path must never be (trace-outfile.h) */
    size_t ninputs;
    const char *subject; /* not NULL: text on std says "knot: SUBJECT: no findings" */
} knot__output;

/* The options about findings that check, run and lint share, with one
 * wording for a bad value: --format, --fail-on and --rule (which must name a
 * rule of kind rules: dynamic for a trace, static for lint). opt is the
 * option, value its value; a rule is appended to *rules. Returns 1 if opt
 * was one of them, 0 if not, -1 after "knot: CMD: ..." for a bad value. */
int knot__output_option(const char *cmd, const char *opt, const char *value,
                        enum knot__rule_kind rules, int *format, int *fail_on,
                        const char ***rule_ids, size_t *nrules);

/* The kind of file a format's findings make (for trace-outfile.h). */
enum knot__out_kind knot__output_kind(enum knot__format format);

/* 0 if o->path may be written (see trace-outfile.h), else 2 after a line. */
int knot__output_ok(const knot__output *o);

/* Write fs as o says (text is coloured on a terminal only, see
 * knot__findings_color) and return the exit status: 0 clean, 1 a finding at
 * or above fail_on, 2 after one line on stderr if they could not be
 * written. */
int knot__output_findings(const knot__findings *fs, const knot__output *o);

#endif
