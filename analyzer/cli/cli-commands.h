/* The knot subcommands, one file each (cmd-NAME.c); knot.c reads the
 * command line and calls one. Each takes the arguments after its name and
 * returns the process exit status: 0 clean, 1 findings at or above
 * --fail-on, 2 usage or input error (after one line on stderr); knot run
 * the program's own when it failed. */
#ifndef KNOT_CLI_COMMANDS_H
#define KNOT_CLI_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct sqlite3 sqlite3;

/* Where knot run records when not told (-o). */
#define KNOT_DEFAULT_TRACE "knot-trace.db"

int knot__cmd_cc(int argc, char **argv);
int knot__cmd_run(int argc, char **argv);
int knot__cmd_import(int argc, char **argv);
int knot__cmd_summary(int argc, char **argv);
int knot__cmd_rules(int argc, char **argv);
int knot__cmd_check(int argc, char **argv);
int knot__cmd_graph(int argc, char **argv);
int knot__cmd_report(int argc, char **argv);
int knot__cmd_export(int argc, char **argv);
int knot__cmd_lint(int argc, char **argv);

/* ---- shared by the commands ---- */

/* A usage error: one line, pointing at the subcommand's own help (knot.c).
 * Returns 2. */
int knot__usage_error(const char *cmd, const char *fmt, const char *arg);

/* knot CMD --help: print CMD's usage alone (knot.c). False if CMD has none
 * of its own. */
bool knot__command_help(const char *cmd);

/* Import trace's journal if one is there (cmd-import.c). Returns 0, 1 (no
 * journal) or 2 (after one line). */
int knot__import_journal(const char *trace);

/* The traces a run's child processes left, to be checked with its own. */
typedef struct knot__child_traces {
    char **paths, **labels;
    size_t n;
} knot__child_traces;

/* Child processes (forked, or programs the traced one ran) left traces of
 * their own beside trace: "app-PID.db". Import each (cmd-import.c); one
 * that recorded nothing leaves no file and says nothing, the others are
 * summarised and kept for the check. */
void knot__import_children(const char *trace, knot__child_traces *out);
void knot__child_traces_free(knot__child_traces *c);

/* Counts and, with list_blocked, the tasks blocked when the trace ended
 * (cmd-summary.c; knot run leaves those to the leak and deadlock findings).
 * Returns 0, or 2 after one line. */
int knot__summarise_trace(const char *path, bool list_blocked);

/* The one number sql selects from db, -1 if it cannot (cmd-summary.c). */
long long knot__trace_count(sqlite3 *db, const char *sql);

/* Where knot's own header and library are (knot.c): beside the installed
 * binary (prefix/include, prefix/lib), else in the tree it was built from. */
void knot__runtime_dirs(char *inc, char *lib, size_t size);

#endif
