/* The knot command line: the usages, the help, and which subcommand runs
 * (each in its own file, cmd-NAME.c; see cli-commands.h).
 *
 * Exit status: the program's own for `run` (128+N if a signal N ended it);
 * otherwise 0 clean, 1 findings at or above --fail-on, and 2 for usage or
 * input errors, each with one line on stderr. */
#include "cli-commands.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Each subcommand's usage, for `knot --help` and `knot CMD --help`. */
static const struct {
    const char *cmd, *text;
} usages[] = {
    {"cc", "knot cc ARGS...                  compile and link with knot's runtime\n"},
    {"run",
     "knot run [-o TRACE] [--timeout SECONDS] [CHECK OPTIONS] [--] PROGRAM ARGS...\n"
     "                                        run PROGRAM, record it into TRACE\n"
     "                                        (default " KNOT_DEFAULT_TRACE ") and check it; the\n"
     "                                        findings go to --output FILE or stderr\n"},
    {"import", "knot import TRACE                import the journal a traced program left\n"},
    {"summary", "knot summary TRACE               tasks, objects, events, blocked tasks\n"},
    {"check", "knot check TRACE [--format text|json|sarif] [--fail-on note|warning|error]\n"
              "                  [--rule ID]... [-o|--output FILE]\n"
              "                                        report what the trace shows and predicts\n"},
    {"graph",
     "knot graph TRACE [--kind wfg|hb] [--finding N] [--tasks 1,2,...] [--window N]\n"
     "                  -o FILE.svg|.png|.pdf|.dot\n"
     "                                        draw the wait-for graph or happens-before\n"},
    {"report", "knot report TRACE -o FILE.html   one page: findings, sources, pictures\n"},
    {"export", "knot export TRACE [--format chrome] -o FILE.json\n"
               "                                        the run as a timeline for Perfetto and\n"
               "                                        chrome://tracing (Trace Event Format)\n"},
    {"rules", "knot rules                       list the rules and what each finds\n"},
    {"lint",
     "knot lint [-p BUILD_DIR] [FILES...] [-- COMPILER_ARGS...]\n"
     "                                        check the source statically (see docs/ci.md)\n"},
};

static void help(void) {
    for (size_t k = 0; k < sizeof usages / sizeof usages[0]; k++)
        printf("%s%s", k ? "       " : "usage: ", usages[k].text);
    puts("       knot --version\n"
         "exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input error\n"
         "(knot run: the program's own status when it failed)");
}

bool knot__command_help(const char *cmd) {
    for (size_t k = 0; k < sizeof usages / sizeof usages[0]; k++)
        if (!strcmp(usages[k].cmd, cmd)) {
            printf("usage: %s", usages[k].text);
            return true;
        }
    return false;
}

static bool is_help(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }

int knot__usage_error(const char *cmd, const char *fmt, const char *arg) {
    fprintf(stderr, "knot: %s%s", cmd ? cmd : "", cmd ? ": " : "");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see knot %s%s--help)\n", cmd ? cmd : "", cmd ? " " : "");
    return 2;
}

/* ---- where the runtime lives ------------------------------------------------------ */

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* An installed knot finds its header and library beside its own binary
 * (prefix/bin/knot → prefix/include, prefix/lib); a knot run from its build
 * tree uses the tree it was built from. */
void knot__runtime_dirs(char *inc, char *lib, size_t size) {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char probe[PATH_MAX + 64];
            snprintf(probe, sizeof probe, "%s/../include/knot/knot.h", exe);
            if (exists(probe) && strlen(exe) + 64 < size) {
                snprintf(inc, size, "%s/../include", exe);
                snprintf(lib, size, "%s/../%s", exe, KNOT_INSTALL_LIBDIR);
                return;
            }
        }
    }
    snprintf(inc, size, "%s", KNOT_BUILD_INCLUDE_DIR);
    snprintf(lib, size, "%s", KNOT_BUILD_LIB_DIR);
}

int main(int argc, char **argv) {
    if (argc < 2)
        return knot__usage_error(NULL, "no command given%s", "");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        help();
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("knot %s\n", KNOT_VERSION_STRING);
        return 0;
    }
    /* knot CMD --help, for every subcommand whose arguments are knot's. */
    if (strcmp(cmd, "cc") != 0 && strcmp(cmd, "run") != 0 && strcmp(cmd, "lint") != 0)
        for (int i = 2; i < argc; i++)
            if (is_help(argv[i]) && knot__command_help(cmd))
                return 0;
    if (!strcmp(cmd, "cc"))
        return knot__cmd_cc(argc - 2, argv + 2);
    if (!strcmp(cmd, "run"))
        return knot__cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "import"))
        return knot__cmd_import(argc - 2, argv + 2);
    if (!strcmp(cmd, "summary"))
        return knot__cmd_summary(argc - 2, argv + 2);
    if (!strcmp(cmd, "check"))
        return knot__cmd_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "graph"))
        return knot__cmd_graph(argc - 2, argv + 2);
    if (!strcmp(cmd, "report"))
        return knot__cmd_report(argc - 2, argv + 2);
    if (!strcmp(cmd, "export"))
        return knot__cmd_export(argc - 2, argv + 2);
    if (!strcmp(cmd, "rules"))
        return knot__cmd_rules(argc - 2, argv + 2);
    if (!strcmp(cmd, "lint"))
        return knot__cmd_lint(argc - 2, argv + 2);
    return knot__usage_error(NULL, "unknown command '%s'", cmd);
}
