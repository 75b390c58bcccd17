/* libFuzzer target for the trace reader and the replayer: whatever a trace
 * holds, `knot check` either reports or fails with a one-line message; never
 * a crash, a hang or a sanitizer report.
 *
 * First byte even: the rest is a script of rows (tasks, objects, sites and
 * events with arbitrary fields) written into a well-formed trace schema, so
 * the fuzzer reaches the replayer's handling of impossible histories; its
 * event kinds are every kind the importer writes, and one it never does.
 * Odd: the bytes are the database file itself. A script that cannot be
 * written (the schema or an insert no longer fits) aborts: the fuzzer
 * would otherwise go on with empty traces and find nothing. */
#include "findings.h"
#include "replay.h"
#include "trace-import.h"
#include "trace-schema.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every kind the importer writes, then one it never does. */
static const char *kinds[KNOT_TRACE_KINDS + 1];
static int nkinds;

static void list_kinds(void) {
    if (nkinds)
        return;
    for (unsigned k = 0; k < KNOT_TRACE_KINDS; k++)
        if (knot__trace_kind_name(k))
            kinds[nkinds++] = knot__trace_kind_name(k);
    kinds[nkinds++] = "bogus";
}
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

/* The harness itself is broken: say so and stop the fuzzer. */
static void must(sqlite3 *db, int rc, const char *what) {
    if (rc != SQLITE_OK) {
        fprintf(stderr, "fuzz-trace: %s: %s\n", what, sqlite3_errmsg(db));
        abort();
    }
}

static void prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st) {
    must(db, sqlite3_prepare_v2(db, sql, -1, st, NULL), sql);
}

static sqlite3 *script_trace(const uint8_t *data, size_t size) {
    sqlite3 *db;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        return NULL;
    list_kinds();
    char pragmas[128];
    snprintf(pragmas, sizeof pragmas, "PRAGMA application_id=%d; PRAGMA user_version=%d;",
             KNOT_TRACE_APPLICATION_ID, KNOT_TRACE_SCHEMA_VERSION);
    must(db, sqlite3_exec(db, knot__trace_schema_sql, NULL, NULL, NULL), "the schema");
    must(db, sqlite3_exec(db, pragmas, NULL, NULL, NULL), "the pragmas");
    sqlite3_stmt *task, *object, *site, *event, *frame;
    prepare(db, "INSERT OR IGNORE INTO tasks VALUES (?,?,?,?,?,?)", &task);
    prepare(db, "INSERT OR IGNORE INTO objects VALUES (?,?,?,?,?,?,?)", &object);
    prepare(db, "INSERT OR IGNORE INTO sites VALUES (?,?,?,?,?,?)", &site);
    prepare(db, "INSERT OR IGNORE INTO events VALUES (?,?,?,?,?,?,?,?,?,NULL)", &event);
    prepare(db, "INSERT OR IGNORE INTO site_frames VALUES (?,?,?)", &frame);
    reader r = {data, data + size};
    for (int seq = 1; r.p < r.end; seq++) {
        switch (next(&r, 5)) {
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
        case 3: /* a call chain's frame, gaps and loops included */
            bind_small(frame, 1, &r, 8);
            bind_small(frame, 2, &r, 4);
            bind_small(frame, 3, &r, 8);
            sqlite3_step(frame);
            sqlite3_reset(frame);
            break;
        default:
            sqlite3_bind_int(event, 1, seq);
            sqlite3_bind_int(event, 2, next(&r, 12));
            bind_small(event, 3, &r, 12);
            sqlite3_bind_text(event, 4, kinds[next(&r, nkinds)], -1, SQLITE_STATIC);
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
    sqlite3_finalize(frame);
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
    knot__replay r;
    char err[512];
    if (knot__replay_attach(&r, db, "fuzz", err, sizeof err) != 0)
        return 0;
    knot__findings fs = {0};
    (void)knot__replay_run(&r, knot__dynamic_checks, knot__dynamic_checks_count, &fs, err,
                           sizeof err);
    knot__replay_close(&r);
    knot__findings_sort(&fs);
    FILE *sink = fopen("/dev/null", "w");
    if (sink) {
        for (int f = 0; f < 3; f++)
            knot__findings_write(&fs, (enum knot__format)f, sink, false);
        fclose(sink);
    }
    knot__findings_free(&fs);
    return 0;
}
