/* The event recorder: what every traced operation writes, and the journal
 * format it writes to. Included by the runtime and by the trace importer,
 * which reads the same records back. */
#ifndef KNOT_RECORD_H
#define KNOT_RECORD_H

#include "event-kinds.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The journal: a header page, then 64-byte records in segments of
 * KNOT__JOURNAL_SEGMENT bytes. Records are written straight into a MAP_SHARED
 * mapping of the file, so they belong to the kernel's page cache the moment
 * they are written: nothing recorded is lost when the process dies, however
 * it dies. A record is committed by storing its type last; slots of type 0
 * were reserved but never written and are skipped. */
#define KNOT__JOURNAL_MAGIC "KNOTJNL1"
#define KNOT__JOURNAL_VERSION                                   \
    3 /* 1: time_ns always nanoseconds, no clock records; 2: no \
       * call chain records */
#define KNOT__JOURNAL_HEADER  4096
#define KNOT__JOURNAL_SEGMENT (8u << 20)
/* Where the first segment starts in the file. The records between the
 * header and here are never used (a hole in the file, read as empty
 * records): segments at multiples of 2 MiB can be mapped with huge pages,
 * so that writing a fresh journal page is not a page-table miss per 4 KiB. */
#define KNOT__JOURNAL_DATA  (2u << 20)
#define KNOT__JOURNAL_CHUNK 64 /* records a thread reserves at a time */

typedef struct knot__journal_header {
    char magic[8];
    uint32_t version;
    uint32_t record_size;
    uint64_t pid;
    uint64_t start_ns;
    uint64_t segment_size;
    /* Version 2. When tsc_hz is not 0, events' time_ns hold time stamp
     * counter ticks, not nanoseconds: tsc_start is the count at start_ns and
     * tsc_hz the ticks per second measured at the start; clock records pair
     * later counts with the monotonic clock, and the importer converts. */
    uint64_t tsc_start;
    uint64_t tsc_hz;
    /* The program (its argv[0]), so that the trace of a child process says
     * whose it is; all zeros in journals written before it was added. */
    char program[256];
} knot__journal_header;

enum knot__rec_type {
    KNOT__REC_EMPTY = 0,
    KNOT__REC_EVENT = 1, /* an operation; fields below */
    KNOT__REC_SITE = 2,  /* site `site`: a = line; `nbytes` bytes "file\0func\0" follow;
                          * phase 1: a raw address a, the bytes a module path, b the
                          * address's offset in it */
    KNOT__REC_NAME = 3,  /* object `obj` is named; `nbytes` bytes follow;
                          * phase 1 (version 3): no bytes, a = the object's address,
                          * which names it when it is a program's global */
    KNOT__REC_CLOCK = 4, /* version 2: a = time stamp counter, b = monotonic ns at that count */
    KNOT__REC_CHAIN = 5, /* site `site` is a call chain: `nbytes` bytes of return addresses
                          * (uint64_t, the interposed call's first, then its callers'),
                          * each also written as a phase 1 site */
};

/* Call chains' site identities have this bit set; return addresses and
 * knot_site addresses never do (user space lies below it). */
#define KNOT__CHAIN_BIT (1ull << 63)
#define KNOT__CHAIN_MAX 16 /* frames a chain holds at most */

enum knot__phase { KNOT__POINT = 0, KNOT__BEGIN = 1, KNOT__END = 2 };

/* Event kinds, from the table in event-kinds.h: stable numbers, which the
 * importer maps to names. */
enum knot__kind {
#define KNOT__KIND_ENUM(num, name, text, replay) KNOT__EV_##name = (num),
    KNOT__EVENT_KINDS(KNOT__KIND_ENUM)
#undef KNOT__KIND_ENUM
    /* Interposed pthread calls start here; their sites are return addresses. */
    KNOT__EV_FIRST_INTERPOSED = KNOT__EV_MUTEX_LOCK,
};

/* Events carry no global sequence number: a counter shared by all threads
 * would bounce one cache line between cores on every operation. Instead each
 * event has a unique id (its task's id and the task's own count) and a
 * Lamport clock: one more than the larger of its task's and its object's
 * last clock, taken under the object's lock. Sorting by (clock, task, id)
 * therefore gives an order that keeps every object's operations in their real
 * order, every task's in program order, and every synchronisation edge
 * forwards; the importer numbers events in that order. */
typedef struct knot__rec {
    _Atomic uint8_t type; /* committed last */
    uint8_t phase;
    uint16_t kind;
    uint32_t u32;   /* events: the task id; payload records: payload bytes */
    uint64_t id;    /* events: unique id, KNOT__EVENT_ID(task, n) */
    uint64_t clock; /* events: Lamport clock */
    uint64_t obj;
    uint64_t site; /* a site's identity: its address in the program */
    uint64_t a, b;
    uint64_t time_ns; /* nanoseconds, or ticks: see knot__journal_header */
} knot__rec;

#define KNOT__EVENT_ID(task, n) (((uint64_t)(task) << 40) | (n))

_Static_assert(sizeof(knot__rec) == 64, "journal records are one cache line");

/* The trace a child process (forked, or exec'd by a traced program) records
 * into, beside its parent's: "app.db" → "app-PID.db", "trace" → "trace-PID". */
static inline void knot__trace_child_path(const char *trace, long pid, char *out, size_t size) {
    size_t n = strlen(trace);
    int w = n > 3 && strcmp(trace + n - 3, ".db") == 0
                ? snprintf(out, size, "%.*s-%ld.db", (int)(n - 3), trace, pid)
                : snprintf(out, size, "%s-%ld", trace, pid);
    if (w < 0 || (size_t)w >= size)
        out[0] = '\0'; /* too long: no child trace rather than a wrong one */
}

#endif /* KNOT_RECORD_H */
