/* Write a synthetic knot trace of lock nesting, for the lock-order part of
 * the replay benchmark. Two shapes:
 *
 *   nest LOCKS TASKS SEED [gated]
 *       each worker takes LOCKS mutexes nested, in an order of its own drawn
 *       from SEED (a fuzzed nesting: the lock-order graph is dense and full
 *       of cycles), then releases them in reverse. With `gated`, every
 *       worker first takes one gate mutex, so no cycle may be reported and
 *       the search has to look at all of them.
 *   rwlock EVENTS TASKS SEED
 *       a random rwlock stress: 32 rwlocks, each worker repeatedly takes one
 *       to four of them (read or write, in random order) and releases them.
 *
 * usage: gen-locks OUT.db nest LOCKS TASKS SEED [gated]
 *        gen-locks OUT.db rwlock EVENTS TASKS SEED */
#include "../../analyzer/trace-schema.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RWLOCKS 32

static sqlite3_stmt *ev;
static long long seq;
static unsigned long long rng;

static unsigned next_rand(void) { /* xorshift64*: the same trace for the same seed */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (unsigned)((rng * 2685821657736338717ULL) >> 33);
}

static long long emit(int task, long long obj, const char *kind, long long site, long long matched,
                      long long value) {
    sqlite3_bind_int64(ev, 1, ++seq);
    sqlite3_bind_int(ev, 2, task);
    obj ? sqlite3_bind_int64(ev, 3, obj) : sqlite3_bind_null(ev, 3);
    sqlite3_bind_text(ev, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(ev, 5, "point", -1, SQLITE_STATIC);
    sqlite3_bind_int64(ev, 6, site);
    matched ? sqlite3_bind_int64(ev, 7, matched) : sqlite3_bind_null(ev, 7);
    obj ? sqlite3_bind_int64(ev, 8, 0) : sqlite3_bind_null(ev, 8);
    value ? sqlite3_bind_int64(ev, 9, value) : sqlite3_bind_null(ev, 9);
    sqlite3_bind_int64(ev, 10, seq);
    if (sqlite3_step(ev) != SQLITE_DONE) {
        fprintf(stderr, "gen-locks: insert failed\n");
        exit(1);
    }
    sqlite3_reset(ev);
    return seq;
}

static void spawn(int tasks) {
    emit(1, 0, "task_start", 1, 0, 0);
    for (int t = 2; t <= tasks; t++) {
        emit(1, 0, "go", 1, 0, t);
        emit(t, 0, "task_start", 1, 0, 1);
    }
}

static void nest(int locks, int tasks, bool gated) {
    long long gate = locks + 1;
    long long *order = malloc((size_t)locks * sizeof *order);
    if (!order)
        exit(1);
    for (int t = 2; t <= tasks; t++) {
        for (int i = 0; i < locks; i++)
            order[i] = i + 1;
        for (int i = locks - 1; i > 0; i--) { /* Fisher-Yates */
            int j = (int)(next_rand() % (unsigned)(i + 1));
            long long x = order[i];
            order[i] = order[j];
            order[j] = x;
        }
        if (gated)
            emit(t, gate, "mutex_lock", 2, 0, 0);
        for (int i = 0; i < locks; i++)
            emit(t, order[i], "mutex_lock", 3 + (order[i] % 4), 0, 0);
        for (int i = locks; i-- > 0;)
            emit(t, order[i], "mutex_unlock", 3, 0, 0);
        if (gated)
            emit(t, gate, "mutex_unlock", 2, 0, 0);
    }
    free(order);
}

static void rwlock_stress(long long events, int tasks) {
    long long last_unlock[RWLOCKS + 1] = {0}, last_write[RWLOCKS + 1] = {0};
    while (seq < events - 2LL * tasks) {
        int t = 2 + (int)(next_rand() % (unsigned)(tasks - 1));
        int depth = 1 + (int)(next_rand() % 4);
        long long held[4];
        bool wrote[4];
        for (int d = 0; d < depth; d++) {
            long long l;
            bool again;
            do { /* distinct locks: a relock is the misuse rule's business */
                l = 1 + (long long)(next_rand() % RWLOCKS);
                again = false;
                for (int k = 0; k < d; k++)
                    again |= held[k] == l;
            } while (again);
            held[d] = l;
            bool write = next_rand() % 4 == 0;
            wrote[d] = write;
            emit(t, l, write ? "rwlock_wrlock" : "rwlock_rdlock", 3 + (int)(l % 4),
                 write ? last_unlock[l] : last_write[l], 0);
        }
        for (int d = depth; d-- > 0;) {
            last_unlock[held[d]] = emit(t, held[d], "rwlock_unlock", 3, 0, 0);
            if (wrote[d])
                last_write[held[d]] = last_unlock[held[d]];
        }
    }
}

int main(int argc, char **argv) {
    bool is_nest = argc >= 6 && strcmp(argv[2], "nest") == 0;
    bool is_rw = argc == 6 && strcmp(argv[2], "rwlock") == 0;
    if (!is_nest && !is_rw) {
        fputs("usage: gen-locks OUT.db nest LOCKS TASKS SEED [gated]\n"
              "       gen-locks OUT.db rwlock EVENTS TASKS SEED\n",
              stderr);
        return 2;
    }
    long long n = strtoll(argv[3], NULL, 10);
    int tasks = (int)strtol(argv[4], NULL, 10);
    rng = strtoull(argv[5], NULL, 10) * 2654435761ULL + 1;
    if (tasks < 2 || n < 2) {
        fputs("gen-locks: need TASKS >= 2 and a size >= 2\n", stderr);
        return 2;
    }
    remove(argv[1]);
    sqlite3 *db;
    if (sqlite3_open(argv[1], &db) != SQLITE_OK)
        return 1;
    char pragmas[160];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA application_id=%d;"
             "PRAGMA user_version=%d;",
             KNOT_TRACE_APPLICATION_ID, KNOT_TRACE_SCHEMA_VERSION);
    sqlite3_exec(db, pragmas, NULL, NULL, NULL);
    sqlite3_exec(db, knot_trace_schema_sql, NULL, NULL, NULL);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (int s = 1; s <= 6; s++) {
        char sql[160];
        snprintf(sql, sizeof sql, "INSERT INTO sites VALUES (%d, 'locks.c', %d, '%s', NULL, NULL)",
                 s, 10 * s, s == 1 ? "main" : "worker");
        sqlite3_exec(db, sql, NULL, NULL, NULL);
    }
    sqlite3_prepare_v2(db, "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?)", -1, &ev, NULL);
    spawn(tasks);
    if (is_nest)
        nest((int)n, tasks, argc == 7 && strcmp(argv[6], "gated") == 0);
    else
        rwlock_stress(n, tasks);
    for (int t = 2; t <= tasks; t++)
        emit(t, 0, "task_end", 2, 0, 0);
    sqlite3_finalize(ev);
    sqlite3_exec(db,
                 "INSERT INTO tasks(id, parent, spawn_site, start_seq) SELECT task, NULL, 1,"
                 " min(seq) FROM events GROUP BY task",
                 NULL, NULL, NULL);
    sqlite3_exec(db,
                 is_nest ? "INSERT INTO objects(id, kind, capacity, site) SELECT DISTINCT object,"
                           " 'mutex', 0, 0 FROM events WHERE object IS NOT NULL"
                         : "INSERT INTO objects(id, kind, capacity, site) SELECT DISTINCT object,"
                           " 'rwlock', 0, 0 FROM events WHERE object IS NOT NULL",
                 NULL, NULL, NULL);
    sqlite3_exec(db,
                 "UPDATE tasks SET ended='returned', end_seq=(SELECT max(seq) FROM events e"
                 " WHERE e.task=tasks.id) WHERE id > 1",
                 NULL, NULL, NULL);
    sqlite3_exec(db, "INSERT INTO meta VALUES ('exit_status', 0)", NULL, NULL, NULL);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    printf("%lld\n", seq);
    return 0;
}
