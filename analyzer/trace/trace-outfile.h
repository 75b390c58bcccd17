/* Writing knot's outputs without losing data: each output is written to a
 * temporary file beside its destination and renamed into place, and knot
 * refuses to write over its own input, the program it runs, or an existing
 * file that is not what it would write there. */
#ifndef KNOT_TRACE_OUTFILE_H
#define KNOT_TRACE_OUTFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum knot__out_kind {
    KNOT_OUT_TRACE,   /* a knot trace (SQLite) */
    KNOT_OUT_TEXT,    /* findings as text */
    KNOT_OUT_JSON,    /* findings as JSON */
    KNOT_OUT_SARIF,   /* findings as SARIF */
    KNOT_OUT_HTML,    /* knot report's page */
    KNOT_OUT_PICTURE, /* a graph: .svg, .png, .pdf or .dot */
    KNOT_OUT_TIMELINE /* knot export's Trace Event Format timeline */
};

/* A file knot must not write over, and what it is to this command
 * ("the trace it reads", "the program it runs"). */
typedef struct knot__out_input {
    const char *path;
    const char *role;
} knot__out_input;

/* May path be written as kind? Not if it is one of the ninputs inputs, nor
 * if it exists and holds something other than what knot writes as kind (an
 * empty file is fine). Returns 0, or -1 with a one-line reason in err. */
int knot__outfile_check(const char *path, enum knot__out_kind kind, const knot__out_input *inputs,
                        size_t ninputs, char *err, size_t errsize);

typedef struct knot__outfile {
    const char *path;
    char tmp[PATH_MAX + 32]; /* empty: writing path itself (a device or a pipe) */
    FILE *f;
} knot__outfile;

/* Check path as knot__outfile_check does, then open a temporary file beside
 * it for writing through o->f. Returns 0, or -1 with a reason in err. */
int knot__outfile_open(knot__outfile *o, const char *path, enum knot__out_kind kind,
                       const knot__out_input *inputs, size_t ninputs, char *err, size_t errsize);

/* Close o->f and rename the temporary file over path. Returns 0, or -1
 * with a reason in err (and the temporary file removed). */
int knot__outfile_commit(knot__outfile *o, char *err, size_t errsize);

/* Close o->f and remove the temporary file: path is left as it was. */
void knot__outfile_abort(knot__outfile *o);

/* Hold the lock that says a knot run is recording into trace: a file
 * "<trace>.knot-lock" beside it, locked while the run lasts. Returns 0; -2
 * if another process holds it, -1 if it cannot be taken (err says why). */
int knot__trace_lock(const char *trace, char *err, size_t errsize);

/* Whether this process holds trace's lock. */
bool knot__trace_lock_held(const char *trace);

/* Release the lock knot__trace_lock took (and remove its file). */
void knot__trace_unlock(void);

/* The file argv0 names as execvp would find it, in out; false if none. */
bool knot__find_program(const char *argv0, char *out, size_t size);

#endif
