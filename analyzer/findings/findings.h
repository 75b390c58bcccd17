/* The findings model, shared by both pipelines: the replayer's dynamic rules
 * and the linter's static ones add findings here; the formatters
 * (findings-text.c, findings-json.c, findings-sarif.c) print them. Rules never
 * print and formatters never analyse. */
#ifndef KNOT_FINDINGS_H
#define KNOT_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum knot__severity { KNOT_NOTE = 0, KNOT_WARNING = 1, KNOT_ERROR = 2 };

/* A place in the source. file may be NULL when unknown (an unsymbolised
 * address: then module and address say where). Strings are owned copies. */
typedef struct knot__loc {
    char *file;
    int line, col; /* 0 = unknown */
    char *function;
    char *module;
    unsigned long long address;
    char *chain; /* the call chain through it, innermost first ("possess (yarn.c:137),
                  * called from ..."), when the trace recorded one; else NULL */
} knot__loc;

/* A related site, with a note saying why it matters ("the channel was made
 * here", "the close ran here"). */
typedef struct knot__related {
    knot__loc loc;
    char *message;
} knot__related;

/* A task involved in a finding, with where it was spawned. */
typedef struct knot__finding_task {
    long long id;
    char *function;  /* the function it ran, when known */
    knot__loc spawn; /* where it was spawned; file NULL for the main task */
} knot__finding_task;

typedef struct knot__finding {
    const char *rule; /* a rule id from rules.def (static string) */
    enum knot__severity severity;
    bool predicted; /* false: it happened in this run; true: another schedule */
    char *message;
    knot__loc loc; /* the primary location */
    knot__related *related;
    size_t nrelated;
    knot__finding_task *tasks;
    size_t ntasks;
    long long seq; /* dynamic rules: the trace event it is about (0: none); the
                    * happens-before picture of a finding centres on it */
} knot__finding;

/* How the recorded program ended, as knot run wrote it into the trace's
 * meta table (exit_status, exit_signal, timed_out_signal). */
enum knot__end_how { KNOT_END_UNKNOWN, KNOT_END_EXIT, KNOT_END_SIGNAL, KNOT_END_TIMEOUT };
typedef struct knot__run_end {
    enum knot__end_how how;
    int value; /* the exit status, or the signal */
} knot__run_end;

/* The end as a phrase after "the program": "exited with status 3", "was
 * killed by signal 11 (SIGSEGV)", "was killed after its --timeout"; ""
 * when unknown. */
void knot__run_end_describe(const knot__run_end *e, char *buf, size_t size);

/* The signal's name ("SIGSEGV"), or NULL. */
const char *knot__signal_name(int sig);

typedef struct knot__findings {
    knot__finding *v;
    size_t n, cap;
    knot__run_end end; /* of the program whose trace was checked */
} knot__findings;

/* A copy of text from a trace or a source, made valid UTF-8 (what the model
 * stores everywhere: the formatters need not check). */
char *knot__text_dup(const char *s);

/* A location from borrowed strings (copied). */
knot__loc knot__loc_make(const char *file, int line, int col, const char *function);

/* Add a finding; the message is printf-formatted. The returned pointer is
 * valid until the next add. */
knot__finding *knot__findings_add(knot__findings *fs, const char *rule, enum knot__severity sev,
                                  bool predicted, knot__loc loc, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Attach a related site (loc is taken over) with a printf-formatted note. */
void knot__finding_relate(knot__finding *f, knot__loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Attach a task (function borrowed and copied; spawn taken over). */
void knot__finding_add_task(knot__finding *f, long long id, const char *function, knot__loc spawn);

/* What "predicted" means, in one sentence, for every output that says it. */
extern const char knot__predicted_meaning[];

/* A finding's tasks spawned at one place by one function (the main task is
 * a group of its own), in the order they were first listed. */
typedef struct knot__task_group {
    const knot__finding_task *first;
    size_t count;
} knot__task_group;

/* The groups of f's tasks: a malloc'd array of *n groups. */
knot__task_group *knot__finding_task_groups(const knot__finding *f, size_t *n);

/* The group's task ids: "task 3", "tasks 2 to 284", "tasks 2, 5 and 9",
 * "tasks 2, 5, 9 and 280 more" (past five). */
void knot__task_group_ids(const knot__finding *f, const knot__task_group *g, char *out,
                          size_t size);

/* The main task: the one with no spawn site. */
bool knot__task_is_main(const knot__finding_task *t);

/* Sort by file, line, column, rule and message, and drop exact duplicates
 * (same rule, location and message), so output is stable run to run. */
void knot__findings_sort(knot__findings *fs);

/* Drop findings suppressed by a `knot:ignore RULE` comment (several ids may
 * follow, separated by spaces or commas; `knot:ignore` alone suppresses every
 * rule) on the primary line or the line above. Source files that cannot be
 * read suppress nothing. */
void knot__findings_apply_suppressions(knot__findings *fs);

/* Keep only the findings whose rule is in ids[0..n) (n == 0 keeps all). */
void knot__findings_filter_rules(knot__findings *fs, const char *const *ids, size_t n);

/* The highest severity present, or -1 when there are none. */
int knot__findings_max_severity(const knot__findings *fs);

void knot__findings_free(knot__findings *fs);
void knot__loc_free(knot__loc *loc);

/* ---- output ---- */

enum knot__format { KNOT_FORMAT_TEXT, KNOT_FORMAT_JSON, KNOT_FORMAT_SARIF };

/* Parse "text" / "json" / "sarif" and "note" / "warning" / "error";
 * return -1 for anything else. */
int knot__format_parse(const char *s);
int knot__severity_parse(const char *s);
const char *knot__severity_name(enum knot__severity s);

/* Write the findings. tool_args is the command line, recorded by SARIF's
 * invocation; color applies to text only. Return 0, or -1 on a write error. */
int knot__findings_write_text(const knot__findings *fs, FILE *out, bool color);
int knot__findings_write_json(const knot__findings *fs, FILE *out);
int knot__findings_write_sarif(const knot__findings *fs, FILE *out);
int knot__findings_write(const knot__findings *fs, enum knot__format format, FILE *out, bool color);

/* Whether text written to the stream out should be coloured: one answer for
 * every command (a terminal, and NO_COLOR unset, as no-color.org asks). */
bool knot__findings_color(FILE *out);

#endif
