/* The importer's rows stay what they were: this program builds a journal of
 * its own from a fixed seed (tasks that interleave, events of every kind
 * with awkward fields, clocks that tie, sites written after the events that
 * name them, a call chain, names, time stamp counter ticks with clock
 * records), writes it once as version 3's 64-byte records and once as
 * version 4's chunks (compact items and full ones), imports both, and prints
 * a digest of every row of every table. Both must give the digest the
 * importer gave when this test was written: a change to what a trace holds
 * changes it, however the importer goes about its work.
 *
 * usage: import-rows WORKDIR [EXPECTED-DIGEST]
 * Exit 0 when both imports give the expected digest (or print it if none
 * is given), 1 when not, 2 on an error. */
#include "../xorshift.h"
#include "record.h"
#include "trace-import.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TASKS   7
#define OBJECTS 40
#define SITES   12
#define EVENTS  150000 /* enough for every batch and queue of the importer to fill and wrap */
#define TSC_HZ  2500000000ull

typedef struct item {
    knot__rec rec;
    const char *payload; /* SITE, NAME, CHAIN: rec.u32 bytes */
} item;

static item *items;
static size_t nitems;
static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint64_t next_random(void) { return xorshift(&rng); }

static void add(knot__rec r, const char *payload) { items[nitems++] = (item){r, payload}; }

static uint64_t site_address(unsigned i) { return 0x401000 + 0x40 * (uint64_t)i; }

/* The site records, and one call chain of three of them. */
static void add_sites(unsigned from, unsigned to) {
    static char text[SITES][64];
    for (unsigned i = from; i < to; i++) {
        int n = snprintf(text[i], sizeof text[i], "src/file%u.c%cfunction_%u", i % 3, '\0', i);
        knot__rec r = {
            .type = KNOT__REC_SITE, .u32 = (uint32_t)n + 1, .site = site_address(i), .a = 10 + i};
        add(r, text[i]);
    }
}

static const uint64_t chain_frames[3] = {0x401000 + 0x40 * 2, 0x401000 + 0x40 * 5,
                                         0x401000 + 0x40 * 7};
#define CHAIN_SITE (KNOT__CHAIN_BIT | 0xabcdefull)

/* Event values of the shapes the recorder writes, and some it should not. */
static uint64_t awkward(uint64_t r, uint32_t task, uint64_t n) {
    switch (r % 7) {
    case 0:
        return 0;
    case 1:
        return r >> 60;
    case 2: /* an earlier event of the same task */
        return KNOT__EVENT_ID(task, n > 3 ? n - 1 - (r >> 62) : 1);
    case 3: /* another task's event, which may or may not exist */
        return KNOT__EVENT_ID(1 + (r >> 40) % TASKS, 1 + (r >> 8) % (EVENTS / TASKS));
    case 4:
        return (uint64_t)-1 - (r >> 62);
    default:
        return r;
    }
}

static void add_events(void) {
    unsigned kinds[KNOT_TRACE_KINDS], nkinds = 0;
    for (unsigned k = 1; k < KNOT_TRACE_KINDS; k++)
        if (knot__trace_kind_name(k))
            kinds[nkinds++] = k;
    uint64_t task_clock[TASKS + 1] = {0}, task_n[TASKS + 1] = {0}, obj_clock[OBJECTS] = {0};
    uint64_t ticks = 1000;
    static const char *names[] = {"queue", "accounts_mu", "a name that is rather longer than most"};
    for (size_t i = 0; i < EVENTS; i++) {
        uint64_t r = next_random();
        uint32_t task = 1 + (uint32_t)((i / (1 + i % 5)) % TASKS);
        unsigned kind = kinds[(r >> 4) % nkinds];
        if (task_n[task] == 0)
            kind = KNOT__EV_TASK_START;
        unsigned o = (unsigned)(r >> 12) % (OBJECTS + 2);
        uint64_t obj = o < OBJECTS ? 0x7f0000001000 + 0x40 * (uint64_t)o : o == OBJECTS ? 0 : r;
        uint64_t *oc = o < OBJECTS ? &obj_clock[o] : NULL;
        uint64_t clock = task_clock[task];
        if (oc && *oc > clock)
            clock = *oc;
        clock += (r >> 20) % 11 == 0 ? 0 : 1; /* now and then a tie, as a damaged journal has */
        task_clock[task] = clock;
        if (oc)
            *oc = clock;
        uint64_t n = ++task_n[task];
        ticks += 1 + (r >> 24) % 5000;
        unsigned s = (unsigned)(r >> 32) % (SITES + 2);
        knot__rec ev = {.type = KNOT__REC_EVENT,
                        .phase = (uint8_t)((r >> 36) % 3),
                        .kind = (uint16_t)kind,
                        .u32 = task,
                        .id = KNOT__EVENT_ID(task, n),
                        .clock = clock,
                        .obj = obj,
                        .site = s < SITES    ? site_address(s)
                                : s == SITES ? 0
                                             : CHAIN_SITE,
                        .a = awkward(next_random(), task, n),
                        .b = awkward(next_random(), task, n),
                        .time_ns = ticks};
        if (kind == KNOT__EV_TASK_END)
            ev.a = r % 4;
        add(ev, NULL);
        if (i % 20000 == 7) /* the monotonic clock beside the counter, a little uneven */
            add((knot__rec){.type = KNOT__REC_CLOCK,
                            .a = ticks,
                            .b = 5000000000ull + ticks * 2 / 5 + (r >> 54)},
                NULL);
        if (i % 9000 == 11 && obj) {
            const char *name = names[(r >> 50) % 3];
            add((knot__rec){.type = KNOT__REC_NAME, .u32 = (uint32_t)strlen(name), .obj = obj},
                name);
        }
        if (i == EVENTS / 2) /* sites known only after events that name them */
            add_sites(SITES / 2, SITES);
    }
}

static void build(void) {
    items = calloc((size_t)2 * EVENTS, sizeof *items);
    if (!items)
        exit(2);
    add_sites(0, SITES / 2);
    add((knot__rec){.type = KNOT__REC_CHAIN, .u32 = sizeof chain_frames, .site = CHAIN_SITE},
        (const char *)chain_frames);
    add_events();
}

static void header(unsigned char *out, uint32_t version) {
    knot__journal_header h = {.version = version,
                              .record_size = sizeof(knot__rec),
                              .pid = 4242,
                              .start_ns = 5000000000ull,
                              .tsc_start = 1000,
                              .tsc_hz = TSC_HZ,
                              .chunk_size = version >= 4 ? KNOT__JOURNAL_CHUNK_BYTES : 0};
    memcpy(h.magic, KNOT__JOURNAL_MAGIC, 8);
    snprintf(h.program, sizeof h.program, "import-rows");
    memcpy(out, &h, sizeof h);
}

static size_t payload_records(const item *it) {
    return it->payload ? (it->rec.u32 + sizeof(knot__rec) - 1) / sizeof(knot__rec) : 0;
}

/* Version 3: the records one after another, each payload padded to a record. */
static size_t write_v3(unsigned char *out) {
    header(out, 3);
    size_t at = KNOT__JOURNAL_HEADER;
    for (size_t i = 0; i < nitems; i++) {
        memcpy(out + at, &items[i].rec, sizeof(knot__rec));
        if (items[i].payload)
            memcpy(out + at + sizeof(knot__rec), items[i].payload, items[i].rec.u32);
        at += (1 + payload_records(&items[i])) * sizeof(knot__rec);
    }
    return at;
}

static size_t put_varint(unsigned char *p, uint64_t v) {
    size_t n = 0;
    for (; v >= 0x80; v >>= 7)
        p[n++] = (unsigned char)(v | 0x80);
    p[n++] = (unsigned char)v;
    return n;
}

static uint64_t zigzag(uint64_t v) { return (v << 1) ^ (0 - (v >> 63)); }

/* A compact item for event r against base b, as record.h lays it out. */
static size_t compact(unsigned char *p, const knot__rec *r, knot__chunk_base *b) {
    uint64_t task = r->u32, n = r->id & ((1ull << KNOT__EVENT_N_BITS) - 1);
    unsigned tag = KNOT__C_EVENT, slot = (unsigned)(r->site >> 6) % KNOT__C_SITE_SLOTS;
    size_t len = 2;
    if (task == b->task && n == b->n + 1)
        tag |= KNOT__C_NEXT_OF_TASK;
    else
        len += put_varint(p + len, task), len += put_varint(p + len, n);
    len += put_varint(p + len, zigzag(r->clock - b->clock));
    len += put_varint(p + len, zigzag(r->time_ns - b->time));
    if (r->obj == b->obj)
        tag |= KNOT__C_SAME_OBJ;
    else
        len += put_varint(p + len, zigzag(r->obj - b->obj));
    if (b->sites[slot] == r->site)
        tag |= KNOT__C_SITE_KNOWN;
    else
        len += put_varint(p + len, r->site);
    tag |= KNOT__C_WITH_SITE_SLOT(slot);
    if (r->a == 0) {
        tag |= KNOT__C_WITH_A_MODE(KNOT__C_A_ZERO);
    } else if ((r->a >> KNOT__EVENT_N_BITS) == task && (r->a & ((1ull << 40) - 1)) <= n) {
        tag |= KNOT__C_WITH_A_MODE(KNOT__C_A_OWN_TASK);
        len += put_varint(p + len, n - (r->a & ((1ull << 40) - 1)));
    } else if ((r->a >> KNOT__EVENT_N_BITS) != 0 && (r->a >> KNOT__EVENT_N_BITS) <= TASKS) {
        tag |= KNOT__C_WITH_A_MODE(KNOT__C_A_EVENT);
        len += put_varint(p + len, r->a >> KNOT__EVENT_N_BITS);
        len += put_varint(p + len, r->a & ((1ull << 40) - 1));
    } else {
        tag |= KNOT__C_WITH_A_MODE(KNOT__C_A_VALUE);
        len += put_varint(p + len, r->a);
    }
    len += put_varint(p + len, zigzag(r->b));
    p[0] = (unsigned char)tag;
    p[1] = KNOT__C_KIND_PHASE(r->kind, r->phase);
    *b = (knot__chunk_base){task,     n,
                            r->clock, r->time_ns,
                            r->obj,   {b->sites[0], b->sites[1], b->sites[2], b->sites[3]}};
    b->sites[slot] = r->site;
    return len;
}

/* Version 4: chunks filled front to back, a fresh base in each. */
static size_t write_v4(unsigned char *out) {
    header(out, 4);
    size_t chunk = KNOT__JOURNAL_HEADER, at = chunk;
    knot__chunk_base b = {0};
    for (size_t i = 0; i < nitems; i++) {
        const knot__rec *r = &items[i].rec;
        bool is_compact = r->type == KNOT__REC_EVENT && r->kind < KNOT__C_KIND_LIMIT;
        size_t room = is_compact ? KNOT__C_MAX : 1 + sizeof *r + (items[i].payload ? r->u32 : 0);
        if (at + room > chunk + KNOT__JOURNAL_CHUNK_BYTES) {
            chunk += KNOT__JOURNAL_CHUNK_BYTES;
            at = chunk;
            b = (knot__chunk_base){0};
        }
        if (is_compact) {
            at += compact(out + at, r, &b);
            continue;
        }
        out[at] = KNOT__ITEM_FULL;
        memcpy(out + at + 1, r, sizeof *r);
        if (items[i].payload)
            memcpy(out + at + 1 + sizeof *r, items[i].payload, r->u32);
        at = at + 1 + sizeof *r + (items[i].payload ? r->u32 : 0);
    }
    return chunk + KNOT__JOURNAL_CHUNK_BYTES;
}

static void hash_bytes(uint64_t *h, const void *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ ((const unsigned char *)p)[i]) * 0x100000001b3ull;
}

/* Every row of every table, in a fixed order, each value with its type. */
static int digest(const char *path, uint64_t *h) {
    static const char *queries[] = {
        "SELECT * FROM meta WHERE key <> 'journal_version' ORDER BY key",
        "SELECT * FROM sites ORDER BY id",
        "SELECT * FROM site_frames ORDER BY site, depth",
        "SELECT * FROM tasks ORDER BY id",
        "SELECT * FROM objects ORDER BY id",
        "SELECT * FROM events ORDER BY seq",
        "PRAGMA user_version",
        "PRAGMA application_id",
    };
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return -1;
    *h = 0xcbf29ce484222325ull;
    int rc = 0;
    for (size_t q = 0; q < sizeof queries / sizeof *queries && !rc; q++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, queries[q], -1, &st, NULL) != SQLITE_OK) {
            fprintf(stderr, "import-rows: %s: %s\n", queries[q], sqlite3_errmsg(db));
            rc = -1;
            break;
        }
        while (sqlite3_step(st) == SQLITE_ROW)
            for (int c = 0; c < sqlite3_column_count(st); c++) {
                unsigned char type = (unsigned char)sqlite3_column_type(st, c);
                const unsigned char *text = sqlite3_column_text(st, c);
                hash_bytes(h, &type, 1);
                if (text)
                    hash_bytes(h, text, (size_t)sqlite3_column_bytes(st, c) + 1);
            }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return rc;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fputs("usage: import-rows WORKDIR [EXPECTED-DIGEST]\n", stderr);
        return 2;
    }
    build();
    size_t size = KNOT__JOURNAL_HEADER + 2 * nitems * 2 * sizeof(knot__rec);
    unsigned char *journal = calloc(1, size);
    if (!journal)
        return 2;
    int status = 0; /* 1: a digest differs, 2: an error */
    for (uint32_t version = 3; version <= 4 && status < 2; version++) {
        memset(journal, 0, size);
        size_t len = version == 3 ? write_v3(journal) : write_v4(journal);
        char trace[4096], err[512];
        snprintf(trace, sizeof trace, "%s/import-rows-v%u.db", argv[1], version);
        remove(trace);
        knot__import_stats stats;
        if (knot__trace_import_buffer(journal, len, "import-rows", trace, &stats, err,
                                      sizeof err)) {
            fprintf(stderr, "import-rows: version %u: %s\n", version, err);
            status = 2;
            break;
        }
        uint64_t h;
        if (digest(trace, &h)) {
            status = 2;
            break;
        }
        char got[17];
        snprintf(got, sizeof got, "%016llx", (unsigned long long)h);
        bool ok = argc < 3 || !strcmp(got, argv[2]);
        printf("%s version %u: %lld events, %lld tasks, %lld objects, %lld sites: digest %s\n",
               ok ? "ok  " : "FAIL", version, stats.events, stats.tasks, stats.objects, stats.sites,
               got);
        if (!ok)
            status = 1;
    }
    free(journal);
    free(items);
    return status;
}
