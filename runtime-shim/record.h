/* The event recorder: what every traced operation writes, and the journal
 * format it writes to. Included by the runtime and by the trace importer,
 * which reads the same records back. */
#ifndef KNOT_RECORD_H
#define KNOT_RECORD_H

#include <stdatomic.h>
#include <stdint.h>

/* The journal: a header page, then 64-byte records in segments of
 * KNOT__JOURNAL_SEGMENT bytes. Records are written straight into a MAP_SHARED
 * mapping of the file, so they belong to the kernel's page cache the moment
 * they are written: nothing recorded is lost when the process dies, however
 * it dies. A record is committed by storing its type last; slots of type 0
 * were reserved but never written and are skipped. */
#define KNOT__JOURNAL_MAGIC   "KNOTJNL1"
#define KNOT__JOURNAL_VERSION 1
#define KNOT__JOURNAL_HEADER  4096
#define KNOT__JOURNAL_SEGMENT (8u << 20)
#define KNOT__JOURNAL_CHUNK   64 /* records a thread reserves at a time */

typedef struct knot__journal_header {
    char magic[8];
    uint32_t version;
    uint32_t record_size;
    uint64_t pid;
    uint64_t start_ns;
    uint64_t segment_size;
} knot__journal_header;

enum knot__rec_type {
    KNOT__REC_EMPTY = 0,
    KNOT__REC_EVENT = 1, /* an operation; fields below */
    KNOT__REC_SITE = 2,  /* site `site`: a = line; `nbytes` bytes "file\0func\0" follow */
    KNOT__REC_NAME = 3,  /* object `obj` is named; `nbytes` bytes follow */
};

enum knot__phase { KNOT__POINT = 0, KNOT__BEGIN = 1, KNOT__END = 2 };

/* Event kinds. Stable numbers: the importer maps them to names. */
enum knot__kind {
    KNOT__EV_TASK_START = 1, /* task starts running; a = parent */
    KNOT__EV_TASK_END = 2,   /* task returns; a = 0 normal, 1 panic, 2 pthread_exit */
    KNOT__EV_GO = 3,         /* spawn; a = child task id */
    KNOT__EV_CHAN_MAKE = 4,  /* a = capacity, b = element size */
    KNOT__EV_CHAN_SEND = 5,  /* b = 1 panicked (closed) */
    KNOT__EV_CHAN_RECV = 6,  /* a = matched send (or close) seq, b = ok */
    KNOT__EV_CHAN_CLOSE = 7,
    KNOT__EV_CHAN_FREE = 8,
    KNOT__EV_SELECT = 9,      /* obj = fired case's channel; a = matched; b = case index */
    KNOT__EV_SELECT_NB = 10,  /* b = case index, or -1 when nothing was ready */
    KNOT__EV_WG_ADD = 11,     /* a = delta, b = counter after */
    KNOT__EV_WG_WAIT = 12,    /* a = seq of the add that released it */
    KNOT__EV_TIMER_MAKE = 13, /* obj = channel; a = ms; b = period ms */
    KNOT__EV_PANIC = 14,
    KNOT__EV_DEADLOCK = 15, /* the live detector fired */
};

typedef struct knot__rec {
    _Atomic uint8_t type; /* committed last */
    uint8_t phase;
    uint16_t kind;
    uint32_t nbytes; /* payload bytes in the records that follow */
    uint64_t seq;
    uint64_t task;
    uint64_t obj;
    uint64_t site; /* a site's identity: its address in the program */
    uint64_t a, b;
    uint64_t time_ns;
} knot__rec;

_Static_assert(sizeof(knot__rec) == 64, "journal records are one cache line");

#endif /* KNOT_RECORD_H */
