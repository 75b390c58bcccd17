/* One validator for every command (replay-open.h): every event of a trace
 * refers to rows the trace holds. */
#include "replay-open.h"
#include "trace-import.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

/* The first row of sql (seq, value) that breaks a reference, if any. */
static int dangling(sqlite3 *db, const char *path, const char *sql, const char *what, char *err,
                    size_t errsize) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errsize, "%s: not a readable knot trace: %s", path, sqlite3_errmsg(db));
        return -1;
    }
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(err, errsize, "%s: corrupt trace: event %lld names %s %s, which it does not hold",
                 path, sqlite3_column_int64(st, 0), what,
                 sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "NULL");
    else if (rc != SQLITE_DONE)
        snprintf(err, errsize, "%s: not a readable knot trace: %s", path, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Grouping every event by kind sorts them all; the kinds knot writes are
 * left out first, so that a sound trace's grouping has nothing to sort. */
static int unknown_kinds(sqlite3 *db, const char *path, char *err, size_t errsize) {
    char sql[4096];
    size_t len = (size_t)snprintf(sql, sizeof sql,
                                  "SELECT min(seq), kind FROM events WHERE kind IS NULL OR kind "
                                  "NOT IN (");
    const char *sep = "";
    for (unsigned k = 0; k < KNOT_TRACE_KINDS && len < sizeof sql; k++)
        if (knot__trace_kind_name(k)) {
            len += (size_t)snprintf(sql + len, sizeof sql - len, "%s'%s'", sep,
                                    knot__trace_kind_name(k));
            sep = ",";
        }
    if (len < sizeof sql)
        len += (size_t)snprintf(sql + len, sizeof sql - len, ") GROUP BY kind");
    sqlite3_stmt *st;
    if (len >= sizeof sql || sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errsize, "%s: not a readable knot trace: %s", path, sqlite3_errmsg(db));
        return -1;
    }
    int rc, ret = 0;
    while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(st, 1);
        if (!kind || !knot__trace_kind_known(kind)) {
            snprintf(err, errsize, "%s: corrupt trace: event %lld is of unknown kind %s", path,
                     sqlite3_column_int64(st, 0), kind ? kind : "NULL");
            ret = -1;
        }
    }
    if (ret == 0 && rc != SQLITE_DONE) {
        snprintf(err, errsize, "%s: not a readable knot trace: %s", path, sqlite3_errmsg(db));
        ret = -1;
    }
    sqlite3_finalize(st);
    return ret;
}

int knot__trace_validate(const knot__replay *r, char *err, size_t errsize) {
    sqlite3 *db = r->db;
    const char *path = r->path;
    int rc =
        dangling(db, path,
                 "SELECT e.seq, e.task FROM events e LEFT JOIN tasks t ON t.id = e.task"
                 " WHERE t.id IS NULL AND e.task != 0 LIMIT 1", /* 0: no task of knot's */
                 "task", err, errsize) ||
                dangling(db, path,
                         "SELECT e.seq, e.object FROM events e"
                         " LEFT JOIN objects o ON o.id = e.object"
                         " WHERE e.object IS NOT NULL AND o.id IS NULL LIMIT 1",
                         "object", err, errsize) ||
                dangling(db, path,
                         "SELECT e.seq, e.site FROM events e LEFT JOIN sites s ON s.id = e.site"
                         " WHERE e.site IS NOT NULL AND s.id IS NULL LIMIT 1",
                         "site", err, errsize) ||
                dangling(db, path,
                         "SELECT seq, phase FROM events"
                         " WHERE phase NOT IN ('begin', 'end', 'point') LIMIT 1",
                         "phase", err, errsize) ||
                unknown_kinds(db, path, err, errsize)
            ? -1
            : 0;
    return rc;
}
