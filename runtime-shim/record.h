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

/* The journal: a header page, then segments of KNOT__JOURNAL_SEGMENT bytes
 * that are written straight into a MAP_SHARED mapping of the file, so they
 * belong to the kernel's page cache the moment they are written: nothing
 * recorded is lost when the process dies, however it dies.
 *
 * Up to version 3 the segments hold 64-byte records (knot__rec below), each
 * committed by storing its type last; slots of type 0 were reserved but never
 * written and are skipped. From version 4 they hold chunks (below), in which
 * most events take a dozen bytes instead of 64: the program's cost of
 * recording is mostly the kernel zeroing fresh journal pages, so it follows
 * the bytes written. */
#define KNOT__JOURNAL_MAGIC "KNOTJNL1"
#define KNOT__JOURNAL_VERSION                                   \
    4 /* 1: time_ns always nanoseconds, no clock records; 2: no \
       * call chain records; 3: 64-byte records, no chunks */
#define KNOT__JOURNAL_HEADER  4096
#define KNOT__JOURNAL_SEGMENT (8u << 20)
/* Where the first segment starts in the file. The bytes between the
 * header and here are never used (a hole in the file, read as empty
 * records or chunks): segments at multiples of 2 MiB can be mapped with huge
 * pages, so that writing a fresh journal page is not a page-table miss per 4 KiB. */
#define KNOT__JOURNAL_DATA (2u << 20)

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
    /* Version 4: the size of a chunk, KNOT__JOURNAL_CHUNK_BYTES. */
    uint32_t chunk_size;
    uint32_t unused;
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

#define KNOT__EVENT_N_BITS      40 /* of an event id, the task's own count */
#define KNOT__EVENT_ID(task, n) (((uint64_t)(task) << KNOT__EVENT_N_BITS) | (n))

_Static_assert(sizeof(knot__rec) == 64, "journal records are one cache line");

/* Chunks (version 4). A thread takes the journal KNOT__JOURNAL_CHUNK_BYTES at
 * a time, at offsets from the start of the file that are multiples of that
 * size, and writes items into its chunk front to back. An item starts with
 * a tag byte, stored last (a release store), so an item is whole or absent
 * whenever the process died: the first zero tag ends the chunk's items.
 *
 *   KNOT__ITEM_FULL   a knot__rec as above (any type), then its payload
 *   tag & KNOT__C_EVENT  a compact event, described by the tag's bits
 *
 * A compact event is written against the chunk's previous compact event
 * (knot__chunk_base, all zeros at the start of a chunk): its task and event
 * number, clock, time and object as differences, its site through a cache of
 * four, so that a chunk can be read without any other. Full items neither
 * read nor change that base. (A signal handler that records in the middle
 * of its thread's item writes into a chunk of its own.) After the tag: a byte of kind | phase << 6;
 * then, as LEB128 varints (signed differences zigzag-coded), in this order:
 *   task, n          unless KNOT__C_NEXT_OF_TASK (then the base's task, n + 1)
 *   clock - base, time - base
 *   obj - base       unless KNOT__C_SAME_OBJ
 *   site             unless KNOT__C_SITE_KNOWN (the slot's; else it fills the slot)
 *   a                as its mode says (knot__c_a)
 *   b                zigzag
 * Events the compact form cannot hold (kind >= 64) are written full. */
#define KNOT__JOURNAL_CHUNK_BYTES 4096u

enum knot__item_tag { KNOT__ITEM_END = 0, KNOT__ITEM_FULL = 2 };

#define KNOT__C_EVENT        0x01
#define KNOT__C_NEXT_OF_TASK 0x02
#define KNOT__C_SAME_OBJ     0x04
#define KNOT__C_SITE_KNOWN   0x08
/* Where the tag keeps the site's slot and a's mode (knot__c_a), and how the
 * byte after it holds the kind and the phase: written and read through
 * these alone. */
#define KNOT__C_SITE_SLOT(tag)          (((tag) >> 4) & 3u) /* which of the four */
#define KNOT__C_WITH_SITE_SLOT(slot)    ((unsigned)(slot) << 4)
#define KNOT__C_A_MODE(tag)             ((tag) >> 6)
#define KNOT__C_WITH_A_MODE(mode)       ((unsigned)(mode) << 6)
#define KNOT__C_KIND_PHASE(kind, phase) ((uint8_t)((kind) | (phase) << 6))
#define KNOT__C_KIND(kind_phase)        ((kind_phase)&0x3fu)
#define KNOT__C_PHASE(kind_phase)       ((kind_phase) >> 6)
#define KNOT__C_KIND_LIMIT              64
#define KNOT__C_MAX                     80 /* bytes a compact event takes at most */
#define KNOT__C_SITE_SLOTS              4

/* How a compact event holds a: most are 0, small numbers, or event ids
 * (another task's, or one of the same task's earlier events). */
enum knot__c_a {
    KNOT__C_A_ZERO = 0,
    KNOT__C_A_VALUE = 1,    /* varint a */
    KNOT__C_A_EVENT = 2,    /* varint a >> 40, varint the low 40 bits */
    KNOT__C_A_OWN_TASK = 3, /* varint n - a's n: an earlier event of the same task */
};

typedef struct knot__chunk_base {
    uint64_t task, n, clock, time, obj;
    uint64_t sites[KNOT__C_SITE_SLOTS];
} knot__chunk_base;

/* The most payload a full item can carry: it must fit in one chunk. */
#define KNOT__PAYLOAD_MAX (KNOT__JOURNAL_CHUNK_BYTES - 1 - sizeof(knot__rec))

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
