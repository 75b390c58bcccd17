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
#include "synthetic-trace.h"

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
    const char *const site_names[] = {"main", "worker", "worker", "worker", "worker", "worker"};
    sqlite3 *db = synthetic_trace_create(argv[1], "locks.c", site_names, &ev);
    if (!db)
        return 1;
    spawn(tasks);
    if (is_nest)
        nest((int)n, tasks, argc == 7 && strcmp(argv[6], "gated") == 0);
    else
        rwlock_stress(n, tasks);
    for (int t = 2; t <= tasks; t++)
        emit(t, 0, "task_end", 2, 0, 0);
    sqlite3_finalize(ev);
    synthetic_trace_tasks(db);
    sqlite3_exec(db,
                 is_nest ? "INSERT INTO objects(id, kind, capacity, site) SELECT DISTINCT object,"
                           " 'mutex', 0, 0 FROM events WHERE object IS NOT NULL"
                         : "INSERT INTO objects(id, kind, capacity, site) SELECT DISTINCT object,"
                           " 'rwlock', 0, 0 FROM events WHERE object IS NOT NULL",
                 NULL, NULL, NULL);
    synthetic_trace_finish(db);
    printf("%lld\n", seq);
    return 0;
}
