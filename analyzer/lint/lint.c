/* One translation unit through the lint pipeline:
 * source → (libclang) → lint facts → (every unit's summaries) → rules → findings. */
#include "lint.h"
#include "lint-ast.h"
#include "lint-rules.h"
#include "util-xalloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Print clang's errors as a compiler would; return how many there were.
 * Warnings are the compiler's business, not the linter's. */
static int report_errors(CXTranslationUnit tu) {
    int errors = 0;
    unsigned n = clang_getNumDiagnostics(tu);
    flockfile(stderr);
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
            CXFile file;
            unsigned line, col;
            clang_getExpansionLocation(clang_getDiagnosticLocation(d), &file, &line, &col, NULL);
            CXString name = clang_getFileName(file), msg = clang_getDiagnosticSpelling(d);
            const char *path = clang_getCString(name);
            if (path && *path)
                fprintf(stderr, "%s:%u:%u: error: clang: %s\n", path, line, col,
                        clang_getCString(msg));
            else
                fprintf(stderr, "error: clang: %s\n", clang_getCString(msg));
            clang_disposeString(name);
            clang_disposeString(msg);
            errors++;
        }
        clang_disposeDiagnostic(d);
    }
    funlockfile(stderr);
    return errors;
}

/* The main file's path as findings name it: absolute, so that suppression
 * comments can be read whatever directory knot runs in. */
static char *main_file(CXTranslationUnit tu, const char *dir) {
    CXString s = clang_getTranslationUnitSpelling(tu);
    const char *name = clang_getCString(s);
    char joined[PATH_MAX * 2], resolved[PATH_MAX];
    if (name[0] != '/' && dir)
        snprintf(joined, sizeof joined, "%s/%s", dir, name);
    else
        snprintf(joined, sizeof joined, "%s", name);
    clang_disposeString(s);
    return knot__xstrdup(realpath(joined, resolved) ? resolved : joined);
}

void knot__lint_run_checks(const knot__lint_tu *facts, knot__findings *out) {
    for (size_t i = 0; i < knot__lint_checks_count; i++)
        knot__lint_checks[i](facts, out);
}

static const char *const path_options[] = {"-I",         "-isystem", "-iquote",
                                           "-idirafter", "-include", "-imacros"};

/* The option (of path_options) arg starts with, or NULL. */
static const char *path_option(const char *arg) {
    for (size_t i = 0; i < sizeof path_options / sizeof path_options[0]; i++)
        if (strncmp(arg, path_options[i], strlen(path_options[i])) == 0)
            return path_options[i];
    return NULL;
}

/* prefix + dir/path if path is relative and names something in dir, else
 * a copy of prefix + path. */
static char *in_dir(const char *dir, const char *prefix, const char *path) {
    char joined[PATH_MAX * 2], *out;
    snprintf(joined, sizeof joined, "%s/%s", dir, path);
    bool move = path[0] != '/' && path[0] && access(joined, F_OK) == 0;
    if (asprintf(&out, "%s%s", prefix, move ? joined : path) < 0)
        knot__out_of_memory();
    return out;
}

/* libclang's -working-directory changes the whole process's directory
 * (LLVM's real file system calls chdir), which threads cannot share; so
 * paths in the command are made absolute instead. One argument is added
 * at the end: -w. Only errors are reported, and without warnings clang
 * skips the analyses behind them (it builds a control-flow graph of every
 * function to warn about a missing return): a tenth of the parse. Errors
 * a compiler reports by default stay errors; -Werror's do not. */
static char **absolute_args(const knot__lint_job *job) {
    char **argv = knot__xcalloc((size_t)job->argc + 2, sizeof *argv);
    for (int i = 0; i < job->argc; i++) {
        const char *a = job->argv[i], *opt = path_option(a);
        bool value = i > 0 && path_option(job->argv[i - 1]) &&
                     strcmp(job->argv[i - 1], path_option(job->argv[i - 1])) == 0;
        bool keep = !job->dir || i == 0 || (a[0] == '-' && !value && !(opt && a[strlen(opt)]));
        if (keep)
            argv[i] = knot__xstrdup(a);
        else if (opt && a[strlen(opt)])
            argv[i] = in_dir(job->dir, opt, a + strlen(opt));
        else
            argv[i] = in_dir(job->dir, "", a);
    }
    argv[job->argc] = knot__xstrdup("-w");
    return argv;
}

static void free_args(char **argv, int argc) {
    for (int i = 0; argv && i < argc; i++)
        free(argv[i]);
    free(argv);
}

int knot__lint_parse(CXIndex idx, const knot__lint_job *job, knot__lint_tu *facts) {
    char **argv = absolute_args(job);
    CXTranslationUnit tu = NULL;
    enum CXErrorCode rc = clang_parseTranslationUnit2FullArgv(
        idx, NULL, (const char *const *)argv, job->argc + 1, NULL, 0, CXTranslationUnit_None, &tu);
    free_args(argv, job->argc + 1);
    if (rc != CXError_Success || !tu) {
        fprintf(stderr, "%s: error: clang: cannot parse (%s)\n", job->file,
                rc == CXError_Crashed ? "libclang crashed" : "bad command line or unreadable file");
        return 2;
    }
    if (report_errors(tu) > 0) {
        clang_disposeTranslationUnit(tu);
        return 2;
    }
    facts->file = main_file(tu, job->dir);
    knot__lint_gather(tu, facts);
    clang_disposeTranslationUnit(tu);
    return 0;
}
