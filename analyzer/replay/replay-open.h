/* The one way every command opens a trace: import a journal a program left
 * beside it, open it, and validate it, so that each command refuses a
 * missing, foreign or corrupt trace with the same line. */
#ifndef KNOT_REPLAY_OPEN_H
#define KNOT_REPLAY_OPEN_H

#include "replay.h"

#include <stddef.h>

/* Import trace's pending journal (trace-import.h), then open it into r
 * (knot__replay_open) and validate it. Returns 0 with r open (close it with
 * knot__replay_close), or -1 with r closed and a one-line reason in err. */
int knot__trace_open(knot__replay *r, const char *trace, char *err, size_t errsize);

/* The one check made of an open trace before it is read: its events name
 * only tasks, objects, sites, kinds and phases the trace holds (the version
 * and application id are knot__replay_open's). Returns 0, or -1 with a
 * one-line reason in err. */
int knot__trace_validate(const knot__replay *r, char *err, size_t errsize);

#endif
