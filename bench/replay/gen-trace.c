/* Write a synthetic knot trace of EVENTS events among TASKS tasks, for the
 * replay benchmark: the main task spawns the others; each worker then loops
 * over a mix of what real programs record — a send on its own unbuffered
 * channel that the main task receives (naming the send), a lock/unlock of
 * one of eight mutexes, a send into a shared buffered channel that a
 * neighbour receives, and a wait-group done the main task's wait observes.
 *
 * usage: gen-trace OUT.db EVENTS TASKS */
#include "synthetic-trace.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

static sqlite3_stmt *ev;
static long long seq;

static long long emit(int task, long long obj, const char *kind, const char *phase, long long site,
                      long long matched, long long result, long long value) {
    sqlite3_bind_int64(ev, 1, ++seq);
    sqlite3_bind_int(ev, 2, task);
    obj ? sqlite3_bind_int64(ev, 3, obj) : sqlite3_bind_null(ev, 3);
    sqlite3_bind_text(ev, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(ev, 5, phase, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ev, 6, site);
    matched ? sqlite3_bind_int64(ev, 7, matched) : sqlite3_bind_null(ev, 7);
    result >= 0 ? sqlite3_bind_int64(ev, 8, result) : sqlite3_bind_null(ev, 8);
    value ? sqlite3_bind_int64(ev, 9, value) : sqlite3_bind_null(ev, 9);
    sqlite3_bind_int64(ev, 10, seq);
    if (sqlite3_step(ev) != SQLITE_DONE) {
        fprintf(stderr, "gen-trace: insert failed\n");
        exit(1);
    }
    sqlite3_reset(ev);
    return seq;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fputs("usage: gen-trace OUT.db EVENTS TASKS\n", stderr);
        return 2;
    }
    long long events = atoll(argv[2]);
    int tasks = atoi(argv[3]);
    if (tasks < 2 || events < 100) {
        fputs("gen-trace: need TASKS >= 2 and EVENTS >= 100\n", stderr);
        return 2;
    }
    const char *const site_names[] = {"main", "worker", "worker", "worker", "worker", "main"};
    sqlite3 *db = synthetic_trace_create(argv[1], "bench.c", site_names, &ev);
    if (!db)
        return 1;
    /* objects: 1..tasks-1 per-worker channels, tasks.. +8 mutexes, a shared
     * buffered channel, a wait group */
    long long shared = tasks + 8, wg = tasks + 9;
    emit(1, 0, "task_start", "point", 1, 0, -1, 0);
    for (int t = 2; t <= tasks; t++) {
        emit(1, t - 1, "chan_make", "point", 1, 0, -1, 0);
        emit(1, wg, "wg_add", "point", 1, 0, t - 1, 1);
        emit(1, 0, "go", "point", 1, 0, -1, t);
        emit(t, 0, "task_start", "point", 1, 0, -1, 1);
    }
    emit(1, shared, "chan_make", "point", 1, 0, -1, 16);
    long long pending_shared[16];
    int npending = 0;
    for (long long round = 0; seq < events - 2 * tasks; round++) {
        for (int t = 2; t <= tasks && seq < events - 2 * tasks; t++) {
            long long s = emit(t, t - 1, "chan_send", "point", 2, 0, 0, 0);
            emit(1, t - 1, "chan_recv", "end", 1, s, 1, 0);
            long long m = tasks + (round + t) % 8;
            emit(t, m, "mutex_lock", "point", 3, 0, 0, 0);
            emit(t, m, "mutex_unlock", "point", 3, 0, 0, 0);
            if (npending < 16)
                pending_shared[npending++] = emit(t, shared, "chan_send", "point", 4, 0, 0, 0);
            if (npending > 0 && (round + t) % 2 == 0) {
                int r = t == tasks ? 2 : t + 1;
                emit(r, shared, "chan_recv", "point", 2, pending_shared[0], 1, 0);
                for (int k = 1; k < npending; k++)
                    pending_shared[k - 1] = pending_shared[k];
                npending--;
            }
        }
    }
    for (int t = 2; t <= tasks; t++) {
        emit(t, wg, "wg_add", "point", 2, 0, tasks - t, -1);
        emit(t, 0, "task_end", "point", 2, 0, 0, 0);
    }
    emit(1, wg, "wg_wait", "point", 6, seq, 0, 0);
    sqlite3_finalize(ev);
    char sql[512];
    synthetic_trace_tasks(db);
    snprintf(sql, sizeof sql,
             "INSERT INTO objects(id, kind, capacity, site) SELECT DISTINCT object, CASE WHEN "
             "object < %d THEN 'chan' WHEN object < %lld THEN 'mutex' WHEN object = %lld THEN "
             "'chan' ELSE 'wait group' END, CASE WHEN object = %lld THEN 16 ELSE 0 END, 1 FROM "
             "events WHERE object IS NOT NULL",
             tasks, shared, shared, shared);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    synthetic_trace_finish(db);
    printf("%lld\n", seq);
    return 0;
}
