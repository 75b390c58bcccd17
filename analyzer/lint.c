/* One translation unit through the lint pipeline:
 * source → (libclang) → lint facts → rules → findings. */
#include "lint.h"
#include "lint-ast.h"
#include "lint-rules.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

knot_loc knot_lint_loc(const knot_lint_tu *tu, knot_lint_pos pos, const char *function) {
    return knot_loc_make(tu->file, pos.line, pos.col, function);
}

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
    return strdup(realpath(joined, resolved) ? resolved : joined);
}

static void check(const knot_lint_tu *facts, knot_findings *out) {
    knot_lint_check_loop_capture(facts, out);
    knot_lint_check_close_by_receiver(facts, out);
    knot_lint_check_unreceived_send(facts, out);
}

int knot__lint_run(CXIndex idx, const knot_lint_job *job, knot_findings *out) {
    /* The command's working directory matters for relative paths in it. */
    int argc = job->argc + (job->dir ? 2 : 0);
    const char **argv = calloc((size_t)argc + 1, sizeof *argv);
    if (!argv)
        return 2;
    memcpy(argv, job->argv, (size_t)job->argc * sizeof *argv);
    if (job->dir) {
        argv[job->argc] = "-working-directory";
        argv[job->argc + 1] = job->dir;
    }
    CXTranslationUnit tu = NULL;
    enum CXErrorCode rc = clang_parseTranslationUnit2FullArgv(idx, NULL, argv, argc, NULL, 0,
                                                              CXTranslationUnit_None, &tu);
    free(argv);
    if (rc != CXError_Success || !tu) {
        fprintf(stderr, "%s: error: clang: cannot parse (%s)\n", job->file,
                rc == CXError_Crashed ? "libclang crashed" : "bad command line or unreadable file");
        return 2;
    }
    if (report_errors(tu) > 0) {
        clang_disposeTranslationUnit(tu);
        return 2;
    }
    knot_lint_tu facts = {.file = main_file(tu, job->dir)};
    knot__lint_gather(tu, &facts);
    check(&facts, out);
    knot_lint_tu_free(&facts);
    clang_disposeTranslationUnit(tu);
    return 0;
}
