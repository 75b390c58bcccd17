/* The knot subcommands that live outside knot.c, one file each
 * (cmd-NAME.c). Each takes the arguments after its name and returns the
 * process exit status: 0 clean, 1 findings at or above --fail-on, 2 usage
 * or input error (after one line on stderr). */
#ifndef KNOT_COMMANDS_H
#define KNOT_COMMANDS_H

#include <stddef.h>

int knot_cmd_rules(int argc, char **argv);
int knot_cmd_check(int argc, char **argv);
int knot_cmd_graph(int argc, char **argv);
int knot_cmd_report(int argc, char **argv);
int knot_cmd_export(int argc, char **argv);
int knot_cmd_lint(int argc, char **argv);

/* Where knot's own header and library are (knot.c): beside the installed
 * binary (prefix/include, prefix/lib), else in the tree it was built from. */
void knot_runtime_dirs(char *inc, char *lib, size_t size);

#endif
