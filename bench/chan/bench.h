/*
 * Helpers shared by the channel benchmarks. Every failure exits loudly: a
 * benchmark that silently did less work would just look fast.
 */
#ifndef KNOT_BENCH_H
#define KNOT_BENCH_H

#include <knot/knot.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* argv[i] as a count >= min, or def when absent. Exits 2 on anything else. */
static inline uint64_t bench_arg(int argc, char **argv, int i, uint64_t def, uint64_t min) {
    if (i >= argc)
        return def;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(argv[i], &end, 10);
    /* strtoull accepts "-1" as ULLONG_MAX; refuse any sign outright. */
    if (errno || end == argv[i] || *end || strchr(argv[i], '-') || v < min) {
        fprintf(stderr, "%s: argument %d: want an integer >= %" PRIu64 ", got '%s'\n", argv[0], i,
                min, argv[i]);
        exit(2);
    }
    return v;
}

/* A channel of uint64_t. NULL would be a nil channel, which blocks forever:
 * out of memory must not turn into a hang. */
static inline knot_chan *bench_chan(size_t cap) {
    knot_chan *ch = knot_chan_make(sizeof(uint64_t), cap);
    if (!ch) {
        fputs("knot_chan_make: out of memory\n", stderr);
        exit(1);
    }
    return ch;
}

/* knot_go_copy, or exit: a task that never started would hang the run. */
static inline void bench_go(void (*fn)(void *), const void *arg, size_t size) {
    int err = knot_go_copy(fn, arg, size);
    if (err) {
        fprintf(stderr, "knot_go_copy: %s\n", strerror(err));
        exit(1);
    }
}

static inline void bench_print(uint64_t checksum) { printf("%" PRIu64 "\n", checksum); }

#endif /* KNOT_BENCH_H */
