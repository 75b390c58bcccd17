/* knot import TRACE: import the journal a traced program left beside
 * TRACE; and the importing knot run does after the program, its child
 * processes' journals included. */
#include "cli-commands.h"
#include "record.h"
#include "trace-import.h"
#include "util-xalloc.h"

#include <glob.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int knot__import_journal(const char *trace) {
    char err[512];
    knot__import_stats stats;
    int rc = knot__trace_import_pending(trace, &stats, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "knot: %s\n", err);
    return rc < 0 ? 2 : rc;
}

void knot__child_traces_free(knot__child_traces *c) {
    for (size_t k = 0; k < c->n; k++) {
        free(c->paths[k]);
        free(c->labels[k]);
    }
    free(c->paths);
    free(c->labels);
    memset(c, 0, sizeof *c);
}

/* Whether a child's trace holds nothing but its main task starting and
 * ending (a shell that only ran other programs, say); else its label, "child
 * process NAME (pid N)", into label. */
static bool recorded_nothing(const char *path, char *label, size_t size) {
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return false;
    }
    bool nothing = knot__trace_count(db, "SELECT count(*) FROM events WHERE kind NOT IN "
                                         "('task_start','task_end')") == 0 &&
                   knot__trace_count(db, "SELECT count(*) FROM tasks") <= 1;
    const char *program = "?";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='program'", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        program = (const char *)sqlite3_column_text(st, 0);
    const char *base = strrchr(program, '/');
    snprintf(label, size, "child process %s (pid %lld)", base ? base + 1 : program,
             knot__trace_count(db, "SELECT value FROM meta WHERE key='pid'"));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return nothing;
}

void knot__import_children(const char *trace, knot__child_traces *out) {
    char pattern[PATH_MAX + 64];
    knot__trace_child_path(trace, 0, pattern, sizeof pattern);
    char *zero = strrchr(pattern, '0'); /* the pid's place: make it a wildcard */
    if (!zero)
        return;
    char glob_pattern[PATH_MAX + 96];
    snprintf(glob_pattern, sizeof glob_pattern, "%.*s[0-9]*%s.knot-journal", (int)(zero - pattern),
             pattern, zero + 1);
    glob_t g;
    if (glob(glob_pattern, 0, NULL, &g) != 0)
        return;
    for (size_t k = 0; k < g.gl_pathc; k++) {
        char child[PATH_MAX], label[PATH_MAX + 64];
        size_t n = strlen(g.gl_pathv[k]) - strlen(".knot-journal");
        snprintf(child, sizeof child, "%.*s", (int)n, g.gl_pathv[k]);
        struct stat st;
        if (stat(g.gl_pathv[k], &st) == 0 && st.st_size < (off_t)KNOT__JOURNAL_HEADER) {
            unlink(g.gl_pathv[k]); /* a header and no event: nothing recorded */
            continue;
        }
        if (knot__import_journal(child) != 0)
            continue;
        if (recorded_nothing(child, label, sizeof label)) {
            unlink(child);
            continue;
        }
        knot__summarise_trace(child, false);
        out->paths = knot__xrealloc(out->paths, (out->n + 1) * sizeof *out->paths);
        out->labels = knot__xrealloc(out->labels, (out->n + 1) * sizeof *out->labels);
        out->paths[out->n] = knot__xstrdup(child);
        out->labels[out->n] = knot__xstrdup(label);
        out->n++;
    }
    globfree(&g);
}

int knot__cmd_import(int argc, char **argv) {
    if (argc != 1)
        return knot__usage_error("import", "expected one trace path%s", "");
    int rc = knot__import_journal(argv[0]);
    if (rc == 1) {
        fprintf(stderr, "knot: %s: no journal to import (%s.knot-journal)\n", argv[0], argv[0]);
        return 2;
    }
    return rc ? rc : knot__summarise_trace(argv[0], true);
}
