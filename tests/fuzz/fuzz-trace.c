/* libFuzzer target for the trace reader and the replayer: whatever a trace
 * holds, `knot check` either reports or fails with a one-line message; never
 * a crash, a hang or a sanitizer report.
 *
 * First byte even: the rest is a script of rows (tasks, objects, sites and
 * events with arbitrary fields) written into a well-formed trace schema, so
 * the fuzzer reaches the replayer's handling of impossible histories. Odd:
 * the bytes are the database file itself. */
#include "../../analyzer/findings.h"
#include "../../analyzer/replay.h"
#include "../../analyzer/trace-schema.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const kinds[] = {
    "task_start",  "task_end",  "go",           "chan_make",     "chan_send",     "chan_recv",
    "chan_close",  "chan_free", "select",       "select_nb",     "wg_add",        "wg_wait",
    "timer_make",  "panic",     "deadlock",     "mutex_lock",    "mutex_trylock", "mutex_unlock",
    "thread_join", "cond_wait", "cond_signal",  "rwlock_rdlock", "rwlock_wrlock", "rwlock_unlock",
    "sem_wait",    "sem_post",  "barrier_wait", "mutex_destroy", "bogus"};
static const char *const phases[] = {"point", "begin", "end", "?"};
static const char *const object_kinds[] = {"chan", "mutex", "wait group", "cond", "timer", "x"};

typedef struct reader {
    const uint8_t *p, *end;
} reader;

static int next(reader *r, int mod) { return r->p < r->end ? *r->p++ % mod : 0; }

static void bind_small(sqlite3_stmt *st, int col, reader *r, int mod) {
    int v = next(r, mod + 1);
    if (v == mod)
        sqlite3_bind_null(st, col);
    else
        sqlite3_bind_int(st, col, v - 1); /* -1 too: ids a corrupt file might hold */
}

static sqlite3 *script_trace(const uint8_t *data, size_t size) {
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        return NULL;
    char pragmas[128];
    snprintf(pragmas, sizeof pragmas, "PRAGMA application_id=%d; PRAGMA user_version=%d;",
             KNOT_TRACE_APPLICATION_ID, KNOT_TRACE_SCHEMA_VERSION);
    sqlite3_exec(db, knot_trace_schema_sql, NULL, NULL, NULL);
    sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    sqlite3_stmt *task, *object, *site, *event;
    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO tasks VALUES (?,?,?,?,?,?)", -1, &task, NULL);
    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO objects VALUES (?,?,?,?,?,?,?)", -1, &object,
                       NULL);
    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO sites VALUES (?,?,?,?,?,?)", -1, &site, NULL);
    sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?,?,?,NULL)", -1,
                       &event, NULL);
    reader r = {data, data + size};
    for (int seq = 1; r.p < r.end; seq++) {
        switch (next(&r, 4)) {
        case 0:
            sqlite3_bind_int(task, 1, next(&r, 12));
            for (int c = 2; c <= 5; c++)
                bind_small(task, c, &r, 40);
            sqlite3_bind_text(task, 6, next(&r, 2) ? "returned" : NULL, -1, SQLITE_STATIC);
            sqlite3_step(task);
            sqlite3_reset(task);
            break;
        case 1:
            sqlite3_bind_int(object, 1, next(&r, 12));
            sqlite3_bind_text(object, 2, object_kinds[next(&r, 6)], -1, SQLITE_STATIC);
            for (int c = 3; c <= 7; c++)
                bind_small(object, c, &r, 8);
            sqlite3_step(object);
            sqlite3_reset(object);
            break;
        case 2:
            sqlite3_bind_int(site, 1, next(&r, 8));
            sqlite3_bind_text(site, 2, next(&r, 2) ? "a.c" : NULL, -1, SQLITE_STATIC);
            bind_small(site, 3, &r, 100);
            sqlite3_bind_text(site, 4, "f", -1, SQLITE_STATIC);
            sqlite3_bind_null(site, 5);
            sqlite3_bind_null(site, 6);
            sqlite3_step(site);
            sqlite3_reset(site);
            break;
        default:
            sqlite3_bind_int(event, 1, seq);
            sqlite3_bind_int(event, 2, next(&r, 12));
            bind_small(event, 3, &r, 12);
            sqlite3_bind_text(event, 4, kinds[next(&r, sizeof kinds / sizeof kinds[0])], -1,
                              SQLITE_STATIC);
            sqlite3_bind_text(event, 5, phases[next(&r, 4)], -1, SQLITE_STATIC);
            bind_small(event, 6, &r, 8);
            bind_small(event, 7, &r, 64);
            for (int c = 8; c <= 9; c++)
                bind_small(event, c, &r, 40);
            sqlite3_step(event);
            sqlite3_reset(event);
            break;
        }
    }
    sqlite3_finalize(task);
    sqlite3_finalize(object);
    sqlite3_finalize(site);
    sqlite3_finalize(event);
    return db;
}

static sqlite3 *raw_trace(const uint8_t *data, size_t size) {
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        return NULL;
    unsigned char *copy = sqlite3_malloc64(size ? size : 1);
    if (!copy)
        return db;
    memcpy(copy, data, size);
    sqlite3_deserialize(db, "main", copy, (sqlite3_int64)size, (sqlite3_int64)size,
                        SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
    return db;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    sqlite3 *db = (data[0] & 1) ? raw_trace(data + 1, size - 1) : script_trace(data + 1, size - 1);
    if (!db)
        return 0;
    knot_replay r;
    char err[512];
    if (knot_replay_attach(&r, db, "fuzz", err, sizeof err) != 0)
        return 0;
    knot_findings fs = {0};
    (void)knot_replay_run(&r, knot_dynamic_checks, knot_dynamic_checks_count, &fs, err, sizeof err);
    knot_replay_close(&r);
    knot_findings_sort(&fs);
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        for (int f = 0; f < 3; f++)
            knot_findings_write(&fs, (enum knot_format)f, sink, false);
        fclose(sink);
    }
    knot_findings_free(&fs);
    return 0;
}
