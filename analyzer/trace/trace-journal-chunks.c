/* Version 4 journals: chunks of compact and full items (record.h says how
 * they are written and why), read back into version 3's 64-byte records.
 *
 * Each chunk is read on its own, against a base that starts at zero, exactly
 * as the recorder wrote it. A zero tag ends a chunk: the rest of it was never
 * used, or its thread died before committing the next item. Anything else
 * that does not read as an item is corruption, reported with its offset: the
 * journal is not guessed at. */
#include "trace-journal-chunks.h"
#include "trace-import-memory.h"
#include "util-xalloc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fewest bytes a compact event takes: its tag, its kind, and one byte
 * each for its clock, time and b. */
#define SMALLEST_ITEM 5

typedef struct reader {
    knot__rec *recs;
    size_t n, cap;
    const unsigned char *data; /* the chunks, for offsets in messages */
    size_t offset;
    char *err;
    size_t errsize;
} reader;

static int corrupt(reader *rd, const unsigned char *at, const char *what) {
    snprintf(rd->err, rd->errsize, "corrupt journal: %s at byte %zu", what,
             rd->offset + (size_t)(at - rd->data));
    return -1;
}

/* k records at the end of the output (zeros: fresh pages), or NULL if the
 * reservation is used up, which the bound in knot__journal_expand_chunks
 * rules out. */
static knot__rec *take(reader *rd, size_t k) {
    if (rd->cap - rd->n < k)
        return NULL;
    knot__rec *r = rd->recs + rd->n;
    rd->n += k;
    return r;
}

static bool get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v) {
    uint64_t x = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return false;
        unsigned char byte = *(*p)++;
        x |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            *v = x;
            return true;
        }
    }
    return false;
}

static uint64_t unzigzag(uint64_t v) { return (v >> 1) ^ (0 - (v & 1)); }

static bool has_payload(uint8_t type) {
    return type == KNOT__REC_SITE || type == KNOT__REC_NAME || type == KNOT__REC_CHAIN;
}

/* A full item at p: its record and payload, copied. */
static int read_full(reader *rd, const unsigned char **p, const unsigned char *end) {
    const unsigned char *at = *p;
    if ((size_t)(end - at) < 1 + sizeof(knot__rec))
        return corrupt(rd, at, "a full record cut short");
    knot__rec r;
    memcpy(&r, at + 1, sizeof r);
    uint8_t type = atomic_load_explicit(&r.type, memory_order_relaxed);
    if (type == KNOT__REC_EMPTY)
        return corrupt(rd, at, "a full record without a type");
    uint32_t bytes = has_payload(type) ? r.u32 : 0;
    if (bytes > (size_t)(end - at) - 1 - sizeof r)
        return corrupt(rd, at, "a payload past its chunk");
    knot__rec *out = take(rd, 1 + (bytes + sizeof r - 1) / sizeof r);
    if (!out)
        return corrupt(rd, at, "more records than its size allows");
    memcpy(out, &r, sizeof r);
    memcpy(out + 1, at + 1 + sizeof r, bytes);
    *p = at + 1 + sizeof r + bytes;
    return 0;
}

/* A compact event at p, read against the chunk's base b. */
static int read_compact(reader *rd, const unsigned char **p, const unsigned char *end,
                        knot__chunk_base *b) {
    const unsigned char *at = *p, *q = at + 2;
    if (end - at < 2)
        return corrupt(rd, at, "an event cut short");
    unsigned tag = at[0], kind = KNOT__C_KIND(at[1]), phase = KNOT__C_PHASE(at[1]);
    uint64_t task = b->task, n = b->n + 1, clock = 0, time = 0, obj = b->obj, site, a = 0, bv = 0,
             v = 0;
    const uint64_t n_limit = 1ull << KNOT__EVENT_N_BITS;
    bool ok = true;
    if (!(tag & KNOT__C_NEXT_OF_TASK))
        ok = get_varint(&q, end, &task) && get_varint(&q, end, &n);
    ok = ok && get_varint(&q, end, &clock) && get_varint(&q, end, &time);
    if (ok && !(tag & KNOT__C_SAME_OBJ) && (ok = get_varint(&q, end, &v)))
        obj = b->obj + unzigzag(v);
    unsigned slot = KNOT__C_SITE_SLOT(tag);
    site = b->sites[slot];
    if (ok && !(tag & KNOT__C_SITE_KNOWN))
        ok = get_varint(&q, end, &site);
    switch (ok ? KNOT__C_A_MODE(tag) : KNOT__C_A_ZERO) {
    case KNOT__C_A_VALUE:
        ok = get_varint(&q, end, &a);
        break;
    case KNOT__C_A_OWN_TASK:
        ok = get_varint(&q, end, &v) && v <= n;
        a = KNOT__EVENT_ID(task, n - v);
        break;
    case KNOT__C_A_EVENT: {
        uint64_t a_task = 0, a_n = 0;
        ok = get_varint(&q, end, &a_task) && get_varint(&q, end, &a_n) &&
             a_task < (1ull << (64 - KNOT__EVENT_N_BITS)) && a_n < n_limit;
        a = KNOT__EVENT_ID(a_task, a_n);
        break;
    }
    default:
        break;
    }
    ok = ok && get_varint(&q, end, &bv);
    if (!ok || task > UINT32_MAX || n >= n_limit || phase > KNOT__END)
        return corrupt(rd, at, "an event that does not read");
    knot__rec *out = take(rd, 1);
    if (!out)
        return corrupt(rd, at, "more records than its size allows");
    b->task = task;
    b->n = n;
    b->clock += unzigzag(clock);
    b->time += unzigzag(time);
    b->obj = obj;
    b->sites[slot] = site;
    atomic_store_explicit(&out->type, KNOT__REC_EVENT, memory_order_relaxed);
    out->phase = (uint8_t)phase;
    out->kind = (uint16_t)kind;
    out->u32 = (uint32_t)task;
    out->id = KNOT__EVENT_ID(task, n);
    out->clock = b->clock;
    out->obj = obj;
    out->site = site;
    out->a = a;
    out->b = unzigzag(bv);
    out->time_ns = b->time;
    *p = q;
    return 0;
}

static int read_chunk(reader *rd, const unsigned char *p, const unsigned char *end) {
    knot__chunk_base b = {0};
    while (p < end) {
        unsigned tag = *p;
        int rc = 0;
        if (tag == KNOT__ITEM_END)
            return 0;
        if (tag == KNOT__ITEM_FULL)
            rc = read_full(rd, &p, end);
        else if (tag & KNOT__C_EVENT)
            rc = read_compact(rd, &p, end, &b);
        else
            rc = corrupt(rd, p, "an unknown item");
        if (rc)
            return rc;
    }
    return 0;
}

int knot__journal_expand_chunks(const unsigned char *data, size_t size, size_t offset,
                                knot__journal_records *out, char *err, size_t errsize) {
    reader rd = {.data = data, .offset = offset, .err = err, .errsize = errsize};
    memset(out, 0, sizeof *out);
    /* Room for the most records the chunks can hold (trace-import-memory.h). */
    rd.cap = size / SMALLEST_ITEM + 1;
    size_t bytes = rd.cap * sizeof(knot__rec);
    rd.recs = knot__import_reserve(bytes);
    out->recs = rd.recs;
    out->mapped = bytes;
    for (size_t at = 0; at < size; at += KNOT__JOURNAL_CHUNK_BYTES) {
        size_t len = size - at < KNOT__JOURNAL_CHUNK_BYTES ? size - at : KNOT__JOURNAL_CHUNK_BYTES;
        if (read_chunk(&rd, data + at, data + at + len))
            return -1;
    }
    out->n = rd.n;
    return 0;
}

void knot__journal_records_free(knot__journal_records *records) {
    knot__import_release(records->recs, records->mapped);
    memset(records, 0, sizeof *records);
}
