/* What the replay benchmark's trace generators share: a fresh trace file
 * with knot's schema and six sites, open in one transaction with the events
 * insert prepared; and, once the events are in, the tasks and their ends
 * derived from them. */
#ifndef KNOT_BENCH_SYNTHETIC_TRACE_H
#define KNOT_BENCH_SYNTHETIC_TRACE_H

#include "trace-schema.h"

#include <sqlite3.h>
#include <stdio.h>

/* Create path afresh (sites 1..6 in file, at lines 10..60, functions
 * funcs[0..5]); *insert gets the prepared events insert. NULL if the file
 * cannot be opened. */
static inline sqlite3 *synthetic_trace_create(const char *path, const char *file,
                                              const char *const funcs[6], sqlite3_stmt **insert) {
    remove(path);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return NULL;
    char pragmas[160];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA application_id=%d;"
             "PRAGMA user_version=%d;",
             KNOT_TRACE_APPLICATION_ID, KNOT_TRACE_SCHEMA_VERSION);
    sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    sqlite3_exec(db, knot__trace_schema_sql, NULL, NULL, NULL);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (int s = 1; s <= 6; s++) {
        char sql[160];
        snprintf(sql, sizeof sql, "INSERT INTO sites VALUES (%d, '%s', %d, '%s', NULL, NULL)", s,
                 file, 10 * s, funcs[s - 1]);
        sqlite3_exec(db, sql, NULL, NULL, NULL);
    }
    sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?)", -1, insert, NULL);
    return db;
}

/* One task row per task seen in the events, spawned at site 1. */
static inline void synthetic_trace_tasks(sqlite3 *db) {
    sqlite3_exec(db,
                 "INSERT INTO tasks(id, parent, spawn_site, start_seq) SELECT task, NULL, 1,"
                 " min(seq) FROM events GROUP BY task",
                 NULL, NULL, NULL);
}

/* Every task but main returned at its last event; the program exited 0. */
static inline void synthetic_trace_finish(sqlite3 *db) {
    sqlite3_exec(db,
                 "UPDATE tasks SET ended='returned', end_seq=(SELECT max(seq) FROM events e"
                 " WHERE e.task=tasks.id) WHERE id > 1",
                 NULL, NULL, NULL);
    sqlite3_exec(db, "INSERT INTO meta VALUES ('exit_status', 0)", NULL, NULL, NULL);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
}

#endif
