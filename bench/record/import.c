/*
 * import: how fast a finished journal becomes an SQLite trace. Times the
 * importer alone (knot__trace_import, as knot import and knot run call it),
 * best of RUNS, without the validation and summary that knot import adds,
 * and prints what run-record.sh tabulates.
 *
 * usage: bench_import JOURNAL TRACE [RUNS=3]
 * prints: events seconds events/s journal-bytes trace-bytes
 * (journal-bytes: the chunks the threads took, 4 KiB each; the file is
 * longer, its last segment preallocated and partly unused)
 */
#include "record.h"
#include "trace-import.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* The bytes of a version 4 journal in use: its chunks that hold an item. */
static long long journal_in_use(const char *path) {
    long long size = file_size(path), used = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || size < (long long)KNOT__JOURNAL_DATA)
        return size;
    unsigned char *map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return size;
    for (long long at = KNOT__JOURNAL_DATA; at < size; at += KNOT__JOURNAL_CHUNK_BYTES)
        used += map[at] != KNOT__ITEM_END ? KNOT__JOURNAL_CHUNK_BYTES : 0;
    munmap(map, (size_t)size);
    return used;
}

int main(int argc, char **argv) {
    int runs = argc > 3 ? atoi(argv[3]) : 3;
    if (argc < 3 || argc > 4 || runs < 1) {
        fputs("usage: bench_import JOURNAL TRACE [RUNS>0]\n", stderr);
        return 2;
    }
    double best = 0;
    knot__import_stats stats;
    for (int i = 0; i < runs; i++) {
        char err[512];
        double t0 = now();
        if (knot__trace_import(argv[1], argv[2], &stats, err, sizeof err) != 0) {
            fprintf(stderr, "bench_import: %s\n", err);
            return 2;
        }
        double t = now() - t0;
        if (i == 0 || t < best)
            best = t;
    }
    long long journal = journal_in_use(argv[1]);
    printf("%lld %.3f %.0f %lld %lld\n", stats.events, best,
           best > 0 ? (double)stats.events / best : 0.0, journal, file_size(argv[2]));
    return 0;
}
