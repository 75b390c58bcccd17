/* knot summary TRACE: what a trace holds (tasks, objects, events) and the
 * tasks blocked when it ended; knot import and knot run say the same. */
#include "cli-check.h"
#include "cli-commands.h"
#include "replay.h"

#include <sqlite3.h>
#include <stdio.h>

long long knot__trace_count(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st;
    long long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

int knot__summarise_trace(const char *path, bool list_blocked) {
    knot__replay r;
    if (knot__check_open(&r, path) != 0)
        return 2;
    sqlite3 *db = r.db;
    fprintf(stderr, "knot: %s: %lld tasks, %lld objects, %lld events\n", path,
            knot__trace_count(db, "SELECT count(*) FROM tasks"),
            knot__trace_count(db, "SELECT count(*) FROM objects"),
            knot__trace_count(db, "SELECT count(*) FROM events"));
    if (!list_blocked) {
        knot__replay_close(&r);
        return 0;
    }
    sqlite3_stmt *st;
    const char *sql = "SELECT b.task, b.kind, s.file, s.line, s.function, o.name, o.kind,"
                      " ms.file, ms.line FROM blocked_at_end b"
                      " LEFT JOIN sites s ON s.id = b.site"
                      " LEFT JOIN objects o ON o.id = b.object"
                      " LEFT JOIN sites ms ON ms.id = o.site ORDER BY b.task";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "knot: %s: %s\n", path, sqlite3_errmsg(db));
        knot__replay_close(&r);
        return 2;
    }
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n++ == 0)
            fputs("knot: tasks still blocked at the end:\n", stderr);
        fprintf(stderr, "  task %lld [%s] at %s:%d in %s()", sqlite3_column_int64(st, 0),
                (const char *)sqlite3_column_text(st, 1),
                sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "?",
                sqlite3_column_int(st, 3),
                sqlite3_column_text(st, 4) ? (const char *)sqlite3_column_text(st, 4) : "?");
        if (sqlite3_column_text(st, 6)) {
            const unsigned char *name = sqlite3_column_text(st, 5);
            fprintf(stderr, " on %s%s%s%s made at %s:%d", (const char *)sqlite3_column_text(st, 6),
                    name ? " \"" : "", name ? (const char *)name : "", name ? "\"" : "",
                    sqlite3_column_text(st, 7) ? (const char *)sqlite3_column_text(st, 7) : "?",
                    sqlite3_column_int(st, 8));
        }
        fputc('\n', stderr);
    }
    if (n == 0)
        fputs("knot: no task was blocked at the end\n", stderr);
    sqlite3_finalize(st);
    knot__replay_close(&r);
    return 0;
}

int knot__cmd_summary(int argc, char **argv) {
    if (argc != 1)
        return knot__usage_error("summary", "expected one trace path%s", "");
    return knot__summarise_trace(argv[0], true);
}

/* ---- knot run ------------------------------------------------------------------------ */
