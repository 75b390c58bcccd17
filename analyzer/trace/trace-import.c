/* Journal → SQLite trace.
 *
 * The recorder's journal holds records in per-thread chunks (version 4's
 * compact items are first rewritten as version 3's 64-byte records), so they
 * are not in sequence order and a record may name a site whose description
 * another thread wrote later in the file. One pass reads the sites and
 * collects the events; call chains and names, which need every site and
 * every object, are read after it, and the events are put in order. The
 * database is written to a temporary file in one transaction and renamed
 * over the target, so a reader never sees half a trace. */
#include "trace-import.h"
#include "trace-outfile.h"

#include "record.h"
#include "trace-call-chains.h"
#include "trace-import-memory.h"
#include "trace-journal-chunks.h"
#include "trace-schema.h"
#include "trace-symbolize.h"
#include "util-xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void knot__trace_journal_path(const char *trace, char *out, size_t size) {
    snprintf(out, size, "%s.knot-journal", trace);
}

int knot__trace_import_pending(const char *trace, knot__import_stats *stats, char *err,
                               size_t errsize) {
    char journal[PATH_MAX + 32];
    knot__trace_journal_path(trace, journal, sizeof journal);
    if (access(journal, F_OK) != 0)
        return 1;
    /* The import replaces trace: only if it is a trace (or nothing). */
    if (knot__outfile_check(trace, KNOT_OUT_TRACE, NULL, 0, err, errsize) != 0)
        return -1;
    /* A journal a knot run is still writing is not ours to take. */
    bool lock = !knot__trace_lock_held(trace);
    if (lock && knot__trace_lock(trace, err, errsize) != 0)
        return -1;
    int rc = knot__trace_import(journal, trace, stats, err, errsize);
    if (rc == 0)
        unlink(journal);
    if (rc == 0 && stats->cut_at)
        fprintf(stderr,
                "knot: %s: the journal was cut short (it ends inside a segment, at %lld bytes): "
                "imported what it holds\n",
                trace, stats->cut_at);
    if (lock)
        knot__trace_unlock();
    return rc;
}

/* ---- identities: a site's program address, or an event's id → row number ---- */

typedef struct id_map {
    uint64_t *keys;
    long long *ids;
    size_t cap, len;
} id_map;

static void id_map_grow(id_map *m) {
    size_t cap = m->cap ? m->cap * 2 : 1024;
    uint64_t *keys = knot__xcalloc(cap, sizeof *keys);
    long long *ids = knot__xcalloc(cap, sizeof *ids);
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t h = (size_t)(m->keys[i] * 0x9E3779B97F4A7C15ull) & (cap - 1);
            while (keys[h])
                h = (h + 1) & (cap - 1);
            keys[h] = m->keys[i];
            ids[h] = m->ids[i];
        }
    free(m->keys);
    free(m->ids);
    m->keys = keys;
    m->ids = ids;
    m->cap = cap;
}

/* The slot for key: holds key, or is empty where key would go. */
static size_t id_map_slot(const id_map *m, uint64_t key) {
    size_t h = (size_t)(key * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
    while (m->keys[h] && m->keys[h] != key)
        h = (h + 1) & (m->cap - 1);
    return h;
}

static long long id_map_get(const id_map *m, uint64_t key) {
    if (!key || !m->cap)
        return 0;
    size_t h = id_map_slot(m, key);
    return m->keys[h] == key ? m->ids[h] : 0;
}

static void id_map_free(id_map *m) {
    free(m->keys);
    free(m->ids);
}

static void id_map_put(id_map *m, uint64_t key, long long id) {
    if ((m->len + 1) * 2 > m->cap)
        id_map_grow(m);
    size_t h = id_map_slot(m, key);
    if (!m->keys[h])
        m->len++;
    m->keys[h] = key;
    m->ids[h] = id;
}

/* ---- event ids → sequence numbers ------------------------------------------------ */

/* An event id is its task's id and the task's own count from 1
 * (KNOT__EVENT_ID), so the numbers of a task's events fit an array indexed
 * by that count: a lookup is one load next to the last, where a hash map
 * misses the cache for most of a large trace's events. Ids that are not so
 * dense (a damaged journal) go in a hash map. */
typedef struct event_numbers {
    id_map task_span; /* task + 1 → index in spans + 1 */
    struct span {
        size_t base, len; /* where the task's counts 1..len are in seq */
    } * spans;
    size_t nspans, capspans;
    uint32_t *seq; /* NULL: all in sparse */
    size_t seq_bytes;
    id_map sparse;
} event_numbers;

/* An event's place in the sort (see sort_events): its clock and task, and
 * its record's index in the journal's records. */
typedef struct order_key {
    uint64_t clock;
    uint32_t task, ix;
} order_key;

#define EVENT_COUNT_MASK ((1ull << 40) - 1)

static struct span *event_span(const event_numbers *en, uint64_t id) {
    long long ix = id_map_get(&en->task_span, (id >> 40) + 1);
    return ix ? &en->spans[ix - 1] : NULL;
}

/* Number the event of recs[order[i].ix] i + 1. */
static void number_events(event_numbers *en, const knot__rec *recs, const order_key *order,
                          size_t n) {
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t id = recs[order[i].ix].id;
        struct span *sp = event_span(en, id);
        if (!sp) {
            en->spans = knot__xgrow(en->spans, &en->capspans, en->nspans + 1, sizeof *en->spans);
            id_map_put(&en->task_span, (id >> 40) + 1, (long long)en->nspans + 1);
            sp = &en->spans[en->nspans++];
            *sp = (struct span){0, 0};
        }
        size_t count = (size_t)(id & EVENT_COUNT_MASK);
        if (count > sp->len) {
            total += count - sp->len;
            sp->len = count;
        }
    }
    if (total <= 2 * n + 4096) {
        en->seq_bytes = (total ? total : 1) * sizeof *en->seq;
        en->seq = knot__import_reserve(en->seq_bytes);
        for (size_t k = 0, base = 0; k < en->nspans; base += en->spans[k++].len)
            en->spans[k].base = base;
        for (size_t i = 0; i < n; i++) {
            uint64_t id = recs[order[i].ix].id;
            size_t count = (size_t)(id & EVENT_COUNT_MASK);
            if (count)
                en->seq[event_span(en, id)->base + count - 1] = (uint32_t)(i + 1);
        }
        return;
    }
    for (size_t i = 0; i < n; i++)
        id_map_put(&en->sparse, recs[order[i].ix].id, (long long)i + 1);
}

/* The sequence number of event id; 0 if the trace does not hold it. */
static long long event_seq(const event_numbers *en, uint64_t id) {
    if (!en->seq)
        return id_map_get(&en->sparse, id);
    const struct span *sp = event_span(en, id);
    size_t count = (size_t)(id & EVENT_COUNT_MASK);
    return sp && count && count <= sp->len ? en->seq[sp->base + count - 1] : 0;
}

static void event_numbers_free(event_numbers *en) {
    id_map_free(&en->task_span);
    id_map_free(&en->sparse);
    free(en->spans);
    knot__import_release(en->seq, en->seq_bytes);
}

/* ---- the import ------------------------------------------------------------------ */

/* Events are inserted this many to a statement: one statement's run costs
 * as much as inserting a few rows. */
#define EVENT_BATCH   64
#define EVENT_COLUMNS 9 /* all but seq */

/* Tasks and objects are rows made and changed by many events: kept here
 * while the events go in, and written once at the end, in id order. */
typedef struct task_row {
    uint32_t id;
    bool started, ended;
    uint64_t parent;
    long long spawn_site, start_seq, end_seq;
    const char *how;
} task_row;

typedef struct object_row {
    uint64_t id;
    const char *kind;
    bool sized, has_elem_size;
    uint64_t capacity, elem_size;
    long long site, made_seq;
    const char *name; /* in the journal; NULL: none */
    uint32_t name_len;
} object_row;

/* Records read after the pass over all of them: call chains once every
 * site is known, names once every object is. Their indexes, in journal
 * order. */
typedef struct later {
    size_t *ix;
    size_t n, cap;
} later;

typedef struct importer {
    sqlite3 *db;
    sqlite3_stmt *site, *raw_site;
    sqlite3_stmt *chain, *chain_frame, *raw_place; /* call chains, objects' addresses */
    sqlite3_stmt *batch, *event;                   /* EVENT_BATCH events, and one */
    knot__symbolizer *symbolizer;                  /* at work from the pass (scan) to the end */
    size_t batched;                                /* events bound to batch so far */
    id_map sites;                                  /* site address → sites.id */
    event_numbers numbers;                         /* event id → events.seq */
    task_row *tasks;                               /* in the order first seen */
    size_t ntasks, captasks;
    id_map task_ix;      /* task id + 1 → index in tasks + 1 */
    object_row *objects; /* in the order made known */
    size_t nobjects, capobjects;
    id_map object_ix;    /* object id → index in objects + 1 */
    size_t object_zero;  /* the same for object id 0, which id_map cannot hold */
    id_map timers;       /* objects a timer_make event names */
    later chains, names; /* records read after the pass (scan) */
    /* What the events at each site do, for knot__choose_chain_frames: by
     * site id, the bits of their kinds' knot__chain_kind_bits, which
     * kind_bits holds by kind number. */
    uint8_t *site_bits;
    size_t nsite_bits;
    uint8_t kind_bits[KNOT_TRACE_KINDS];
    const knot__rec *recs; /* the journal's, all of them */
    order_key *order;      /* the events, to be put in order; room for all records */
    size_t nev, nrecs;
    unsigned last_type; /* the last record type this journal's version knows */
    /* Times in ticks (see knot__journal_header): the counter paired with
     * the clock (the start and the clock records), by count; ns per tick. */
    bool ticks;
    struct clock_pair {
        uint64_t ticks, ns;
    } * clk;
    size_t nclk, capclk;
    double ns_per_tick;
    knot__import_stats *stats;
    char *err;
    size_t errsize;
} importer;

static int fail(importer *im, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    /* clang-analyzer 14 misreads va_start here as elsewhere. */
    vsnprintf(im->err, im->errsize, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
    va_end(ap);
    return -1;
}

static int sql_fail(importer *im, const char *what) {
    return fail(im, "%s: %s", what, sqlite3_errmsg(im->db));
}

/* A switch, not an array: two rows of the table with one number would be
 * two equal cases, which do not compile. */
static const char *kind_name(unsigned kind) {
    switch (kind) {
#define KIND_NAME(num, name, text, replay) \
    case num:                              \
        return text;
        KNOT__EVENT_KINDS(KIND_NAME)
#undef KIND_NAME
    }
    return NULL;
}

/* Callers ask for every number below KNOT_TRACE_KINDS: each kind is one. */
#define KIND_FITS(num, name, text, replay) \
    _Static_assert((num) > 0 && (num) < KNOT_TRACE_KINDS, "kind " text " is out of range");
KNOT__EVENT_KINDS(KIND_FITS)
#undef KIND_FITS

const char *knot__trace_kind_name(unsigned kind) { return kind_name(kind); }

bool knot__trace_kind_known(const char *name) {
    for (unsigned k = 0; k < KNOT_TRACE_KINDS; k++)
        if (kind_name(k) && !strcmp(kind_name(k), name))
            return true;
    return false;
}

static const char *phase_name(unsigned phase) {
    return phase == KNOT__BEGIN ? "begin" : phase == KNOT__END ? "end" : "point";
}

static int prepare(importer *im, sqlite3_stmt **st, const char *sql) {
    return sqlite3_prepare_v2(im->db, sql, -1, st, NULL) == SQLITE_OK ? 0 : sql_fail(im, sql);
}

/* Run an insert whose parameters were all bound afresh: nothing to clear. */
static int step_bound(importer *im, sqlite3_stmt *st) {
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : sql_fail(im, "insert");
}

/* Run an insert, leaving its parameters unbound (NULL) for the next. */
static int step(importer *im, sqlite3_stmt *st) {
    int rc = step_bound(im, st);
    sqlite3_clear_bindings(st);
    return rc;
}

/* The payload after a record, as text of at most n bytes within the journal. */
static const char *payload(const knot__rec *r, const knot__rec *end, uint32_t *n) {
    size_t room = (size_t)((const char *)end - (const char *)(r + 1));
    if (*n > room)
        *n = (uint32_t)room;
    return (const char *)(r + 1);
}

static int import_site(importer *im, const knot__rec *r, const knot__rec *end) {
    if (!r->site || id_map_get(&im->sites, r->site))
        return 0; /* written twice (table full in the recorder): keep the first */
    uint32_t n = r->u32;
    const char *p = payload(r, end, &n);
    size_t file_len = strnlen(p, n);
    const char *func = file_len < n ? p + file_len + 1 : "";
    size_t func_len = file_len < n ? strnlen(func, n - file_len - 1) : 0;
    long long id = (long long)im->sites.len + 1;
    id_map_put(&im->sites, r->site, id);
    if (r->phase == 1) { /* a return address in a module, symbolized later */
        sqlite3_bind_int64(im->raw_site, 1, id);
        sqlite3_bind_text(im->raw_site, 2, p, (int)file_len, SQLITE_TRANSIENT);
        sqlite3_bind_int64(im->raw_site, 3, (sqlite3_int64)r->a);
        sqlite3_bind_int64(im->raw_site, 4, (sqlite3_int64)r->b);
        if (step(im, im->raw_site))
            return -1;
        sqlite3_bind_int64(im->site, 1, id);
        sqlite3_bind_text(im->site, 5, p, (int)file_len, SQLITE_TRANSIENT);
        sqlite3_bind_int64(im->site, 6, (sqlite3_int64)r->b);
        im->stats->sites++;
        return step(im, im->site);
    }
    sqlite3_bind_int64(im->site, 1, id);
    sqlite3_bind_text(im->site, 2, p, (int)file_len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(im->site, 3, (sqlite3_int64)r->a);
    sqlite3_bind_text(im->site, 4, func, (int)func_len, SQLITE_TRANSIENT);
    im->stats->sites++;
    return step(im, im->site);
}

/* A call chain: a site of its own, placed at its first frame until
 * knot__choose_chain_frames looks past lock wrappers. */
static int import_chain(importer *im, const knot__rec *r, const knot__rec *end) {
    if (!r->site || id_map_get(&im->sites, r->site))
        return 0;
    uint32_t bytes = r->u32;
    const char *p = payload(r, end, &bytes);
    size_t n = bytes / sizeof(uint64_t);
    long long id = (long long)im->sites.len + 1;
    id_map_put(&im->sites, r->site, id);
    for (size_t depth = 0; depth < n; depth++) {
        uint64_t pc;
        memcpy(&pc, p + depth * sizeof pc, sizeof pc);
        long long frame = id_map_get(&im->sites, pc);
        if (!frame)
            break; /* its site record was lost: the chain ends here */
        if (depth == 0) {
            sqlite3_bind_int64(im->chain, 1, id);
            sqlite3_bind_int64(im->chain, 2, frame);
            if (step(im, im->chain))
                return -1;
            im->stats->sites++;
        }
        sqlite3_bind_int64(im->chain_frame, 1, id);
        sqlite3_bind_int64(im->chain_frame, 2, (sqlite3_int64)depth);
        sqlite3_bind_int64(im->chain_frame, 3, frame);
        if (step(im, im->chain_frame))
            return -1;
    }
    return 0;
}

/* The object id names, or NULL if no event made it known. */
static object_row *find_object(const importer *im, uint64_t id) {
    size_t ix = id ? (size_t)id_map_get(&im->object_ix, id) : im->object_zero;
    return ix ? &im->objects[ix - 1] : NULL;
}

/* An object's address, named by the symbolizer if it is a global: read with
 * the sites, so that the symbolizer knows every question before the events. */
static int import_place(importer *im, const knot__rec *r) {
    if (r->phase != 1)
        return 0;
    sqlite3_bind_int64(im->raw_place, 1, (sqlite3_int64)r->obj);
    sqlite3_bind_int64(im->raw_place, 2, (sqlite3_int64)r->a);
    return step(im, im->raw_place);
}

static int import_name(importer *im, const knot__rec *r, const knot__rec *end) {
    if (r->phase == 1) /* a place, read with the sites */
        return 0;
    uint32_t n = r->u32;
    const char *p = payload(r, end, &n);
    object_row *o = find_object(im, r->obj);
    if (o) { /* named again: the last name holds */
        o->name = p;
        o->name_len = (uint32_t)strnlen(p, n);
    }
    return 0;
}

static void bind_or_null(sqlite3_stmt *st, int i, bool present, uint64_t v) {
    if (present)
        sqlite3_bind_int64(st, i, (sqlite3_int64)v);
    else
        sqlite3_bind_null(st, i);
}

/* The object an event acts on, made known by its first event: the kind, and
 * for the events that make one, its capacity (a channel's, a semaphore's
 * initial value, a barrier's count) and site. */
static int import_object(importer *im, const knot__rec *r, long long seq, const char *kind,
                         long long site) {
    if (find_object(im, r->obj))
        return 0;
    bool sized = r->kind == KNOT__EV_CHAN_MAKE || r->kind == KNOT__EV_SEM_INIT ||
                 r->kind == KNOT__EV_BARRIER_INIT;
    bool makes = sized || r->kind == KNOT__EV_MUTEX_INIT || r->kind == KNOT__EV_COND_INIT ||
                 r->kind == KNOT__EV_RW_INIT;
    object_row *objects =
        knot__xgrow(im->objects, &im->capobjects, im->nobjects + 1, sizeof *objects);
    im->objects = objects;
    im->objects[im->nobjects++] = (object_row){.id = r->obj,
                                               .kind = kind,
                                               .sized = sized,
                                               .capacity = r->a,
                                               .has_elem_size = r->kind == KNOT__EV_CHAN_MAKE,
                                               .elem_size = r->b,
                                               .site = makes ? site : 0,
                                               .made_seq = seq};
    if (r->obj == 0)
        im->object_zero = im->nobjects;
    else
        id_map_put(&im->object_ix, r->obj, (long long)im->nobjects);
    return 0;
}

/* Task id's row, made if it has none yet. */
static task_row *task(importer *im, uint32_t id) {
    long long ix = id_map_get(&im->task_ix, (uint64_t)id + 1);
    if (ix)
        return &im->tasks[ix - 1];
    im->tasks = knot__xgrow(im->tasks, &im->captasks, im->ntasks + 1, sizeof *im->tasks);
    id_map_put(&im->task_ix, (uint64_t)id + 1, (long long)im->ntasks + 1);
    im->tasks[im->ntasks] = (task_row){.id = id};
    return &im->tasks[im->ntasks++];
}

/* What the generic a/b fields mean for each kind: matched (the event this
 * one observed), result, and value. */
static void event_fields(const knot__rec *r, bool *has_m, uint64_t *m, bool *has_r, uint64_t *res,
                         bool *has_v, uint64_t *v) {
    *has_m = *has_r = *has_v = false;
    switch (r->kind) {
    case KNOT__EV_CHAN_RECV:
    case KNOT__EV_SELECT:
    case KNOT__EV_WG_WAIT:
    case KNOT__EV_CHAN_SEND:
    case KNOT__EV_MUTEX_LOCK:
    case KNOT__EV_MUTEX_TRYLOCK:
    case KNOT__EV_THREAD_JOIN:
    case KNOT__EV_RW_RDLOCK:
    case KNOT__EV_RW_WRLOCK:
    case KNOT__EV_MUTEX_TIMEDLOCK:
    case KNOT__EV_SEM_WAIT:
    case KNOT__EV_SEM_TRYWAIT:
    case KNOT__EV_SEM_TIMEDWAIT:
    case KNOT__EV_BARRIER_WAIT:
    case KNOT__EV_SPIN_LOCK:
    case KNOT__EV_SPIN_TRYLOCK:
        *has_m = r->phase != KNOT__BEGIN && r->a != 0;
        *m = r->a;
        *has_r = r->phase != KNOT__BEGIN;
        *res = r->b;
        /* begin: a select's case count, the task a join waits for */
        *has_v = (r->kind == KNOT__EV_SELECT || r->kind == KNOT__EV_THREAD_JOIN) &&
                 r->phase == KNOT__BEGIN;
        *v = r->a;
        break;
    case KNOT__EV_SELECT_NB:
    case KNOT__EV_MUTEX_UNLOCK:
    case KNOT__EV_RW_UNLOCK:
    case KNOT__EV_MUTEX_DESTROY:
    case KNOT__EV_SEM_POST:
    case KNOT__EV_SEM_DESTROY:
    case KNOT__EV_BARRIER_DESTROY:
    case KNOT__EV_SPIN_UNLOCK:
    case KNOT__EV_MUTEX_CONSISTENT:
    case KNOT__EV_MUTEX_INIT:
    case KNOT__EV_COND_INIT:
    case KNOT__EV_COND_DESTROY:
    case KNOT__EV_RW_INIT:
    case KNOT__EV_RW_DESTROY:
        *has_r = true;
        *res = r->b;
        break;
    case KNOT__EV_GROUP_WAIT:
        *has_r = r->phase != KNOT__BEGIN;
        *res = r->b;
        break;
    case KNOT__EV_SELECT_CASE: /* value: the direction, 1 send, 2 receive */
        *has_v = true;
        *v = r->a;
        break;
    case KNOT__EV_SEM_INIT:      /* value: the initial value */
    case KNOT__EV_BARRIER_INIT:  /* value: the count */
    case KNOT__EV_THREAD_DETACH: /* value: the detached task, when known */
        *has_v = r->a != 0 || r->kind != KNOT__EV_THREAD_DETACH;
        *v = r->a;
        *has_r = true;
        *res = r->b;
        break;
    case KNOT__EV_COND_WAIT: /* value: the mutex */
        *has_v = r->a != 0;
        *v = r->a;
        *has_r = r->phase != KNOT__BEGIN;
        *res = r->b;
        break;
    case KNOT__EV_WG_ADD:
        *has_v = *has_r = true;
        *v = r->a;
        *res = r->b;
        break;
    case KNOT__EV_PANIC:      /* value: what panicked (a code) */
    case KNOT__EV_CHAN_MAKE:  /* value: the capacity */
    case KNOT__EV_TIMER_MAKE: /* value: the milliseconds */
    case KNOT__EV_TASK_START: /* value: the parent */
    case KNOT__EV_GO:         /* value: the child */
    case KNOT__EV_GROUP_GO:   /* value: the child */
        *has_v = true;
        *v = r->a;
        break;
    case KNOT__EV_TASK_END:
        *has_r = true;
        *res = r->a;
        break;
    default:
        break;
    }
}

static int add_clock(importer *im, uint64_t ticks, uint64_t ns) {
    im->clk = knot__xgrow(im->clk, &im->capclk, im->nclk + 1, sizeof *im->clk);
    im->clk[im->nclk++] = (struct clock_pair){ticks, ns};
    return 0;
}

static int by_ticks(const void *pa, const void *pb) {
    const struct clock_pair *a = pa, *b = pb;
    return (a->ticks > b->ticks) - (a->ticks < b->ticks);
}

/* Order the pairs by count, with times that never go back (two threads'
 * pairs may be a few ns out of step), and take the rate over the whole run
 * when it spans enough ticks to be better than the one measured at start. */
static void clocks_ready(importer *im) {
    struct clock_pair *c = im->clk;
    size_t n = im->nclk;
    qsort(c, n, sizeof *c, by_ticks);
    for (size_t k = 1; k < n; k++)
        if (c[k].ns < c[k - 1].ns)
            c[k].ns = c[k - 1].ns;
    if (n >= 2 && c[n - 1].ticks - c[0].ticks >= (1u << 24) && c[n - 1].ns > c[0].ns)
        im->ns_per_tick = (double)(c[n - 1].ns - c[0].ns) / (double)(c[n - 1].ticks - c[0].ticks);
}

/* base + delta ns, kept within what the trace's INTEGER column holds. */
static uint64_t ns_plus(uint64_t base, double delta) {
    double v = (double)base + delta;
    if (!(v > 0))
        return 0;
    return v >= 9.2e18 ? (uint64_t)INT64_MAX : (uint64_t)v;
}

/* An event's time in ns: as recorded, or converted from ticks between the
 * clock pairs around it (beyond them, at the run's rate). */
static uint64_t event_ns(const importer *im, uint64_t t) {
    if (!im->ticks)
        return t > (uint64_t)INT64_MAX ? (uint64_t)INT64_MAX : t;
    const struct clock_pair *c = im->clk;
    size_t lo = 0, hi = im->nclk; /* the first pair after t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c[mid].ticks <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return ns_plus(c[0].ns, -(double)(c[0].ticks - t) * im->ns_per_tick);
    const struct clock_pair *p = &c[lo - 1], *q = lo < im->nclk ? &c[lo] : NULL;
    double per_tick = q ? (double)(q->ns - p->ns) / (double)(q->ticks - p->ticks) : im->ns_per_tick;
    return ns_plus(p->ns, (double)(t - p->ticks) * per_tick);
}

static int import_event(importer *im, const knot__rec *r, long long seq) {
    const char *kind = kind_name(r->kind);
    if (!kind)
        return fail(im, "unknown event kind %u at sequence %llu", (unsigned)r->kind,
                    (unsigned long long)r->clock);
    long long site = id_map_get(&im->sites, r->site);
    if (site > 0 && (size_t)site < im->nsite_bits)
        im->site_bits[site] |= im->kind_bits[r->kind];
    bool has_m, has_r, has_v;
    uint64_t m = 0, res = 0, v = 0;
    event_fields(r, &has_m, &m, &has_r, &res, &has_v, &v);
    if (has_m) /* an event id; the trace names events by their number */
        has_m = (m = (uint64_t)event_seq(&im->numbers, m)) != 0;
    /* Events go in EVENT_BATCH at a time while that many are left. The
     * sequence number is the rowid SQLite gives: the next after the last,
     * as they go in in order, and an append without a search. */
    bool batch = (size_t)seq + EVENT_BATCH - 1 - im->batched <= im->nev;
    sqlite3_stmt *st = batch ? im->batch : im->event;
    int col = batch ? (int)im->batched * EVENT_COLUMNS : 0;
    sqlite3_bind_int64(st, col + 1, (sqlite3_int64)r->u32);
    bind_or_null(st, col + 2, r->obj != 0, r->obj);
    sqlite3_bind_text(st, col + 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, col + 4, phase_name(r->phase), -1, SQLITE_STATIC);
    bind_or_null(st, col + 5, site != 0, (uint64_t)site);
    bind_or_null(st, col + 6, has_m, m);
    bind_or_null(st, col + 7, has_r, res);
    bind_or_null(st, col + 8, has_v, v);
    sqlite3_bind_int64(st, col + 9, (sqlite3_int64)event_ns(im, r->time_ns));
    if (batch && ++im->batched < EVENT_BATCH)
        ;
    else if (step_bound(im, st))
        return -1;
    else
        im->batched = 0;
    im->stats->events++;

    if (r->kind == KNOT__EV_TIMER_MAKE && r->obj)
        id_map_put(&im->timers, r->obj, 1);

    if (r->kind == KNOT__EV_CHAN_MAKE)
        return import_object(im, r, seq, "chan", site);
    /* A forked child's trace uses channels its parent made: known from
     * their first use here, with the capacity the parent's trace holds. */
    if (r->obj != 0 && r->kind >= KNOT__EV_CHAN_SEND && r->kind <= KNOT__EV_SELECT_NB)
        return import_object(im, r, seq, "chan", 0);
    if (r->kind == KNOT__EV_WG_ADD || r->kind == KNOT__EV_WG_WAIT)
        return import_object(im, r, seq, "wait group", 0);
    if (r->kind >= KNOT__EV_MUTEX_LOCK && r->kind <= KNOT__EV_MUTEX_UNLOCK)
        return import_object(im, r, seq, "mutex", 0);
    if (r->kind >= KNOT__EV_COND_WAIT && r->kind <= KNOT__EV_COND_BROADCAST)
        return import_object(im, r, seq, "cond", 0);
    if (r->kind >= KNOT__EV_RW_RDLOCK && r->kind <= KNOT__EV_RW_UNLOCK)
        return import_object(im, r, seq, "rwlock", 0);
    if (r->kind == KNOT__EV_MUTEX_TIMEDLOCK || r->kind == KNOT__EV_MUTEX_DESTROY ||
        r->kind == KNOT__EV_MUTEX_INIT)
        return import_object(im, r, seq, "mutex", site);
    if (r->kind == KNOT__EV_COND_INIT || r->kind == KNOT__EV_COND_DESTROY)
        return import_object(im, r, seq, "cond", site);
    if (r->kind == KNOT__EV_RW_INIT || r->kind == KNOT__EV_RW_DESTROY)
        return import_object(im, r, seq, "rwlock", site);
    if (r->kind >= KNOT__EV_SEM_INIT && r->kind <= KNOT__EV_SEM_DESTROY)
        return import_object(im, r, seq, "semaphore", site);
    if (r->kind >= KNOT__EV_BARRIER_INIT && r->kind <= KNOT__EV_BARRIER_DESTROY)
        return import_object(im, r, seq, "barrier", site);
    if (r->kind == KNOT__EV_GROUP_GO || r->kind == KNOT__EV_GROUP_WAIT)
        return import_object(im, r, seq, "group", 0);
    if (r->kind >= KNOT__EV_SPIN_LOCK && r->kind <= KNOT__EV_SPIN_UNLOCK)
        return import_object(im, r, seq, "spinlock", 0);
    if (r->kind == KNOT__EV_MUTEX_CONSISTENT)
        return import_object(im, r, seq, "mutex", 0);
    if (r->kind != KNOT__EV_TASK_START && r->kind != KNOT__EV_TASK_END && !r->u32)
        return 0;
    task_row *t = task(im, r->u32);
    if (r->kind == KNOT__EV_TASK_START) { /* started again: the last start holds */
        t->started = true;
        t->parent = r->a;
        t->spawn_site = site;
        t->start_seq = seq;
    } else if (r->kind == KNOT__EV_TASK_END) {
        static const char *how[] = {"returned", "panicked", "exited"};
        t->ended = true;
        t->end_seq = seq;
        t->how = r->a < 3 ? how[r->a] : "?";
    }
    return 0;
}

/* Events are gathered first, then numbered in (clock, task, id) order: see
 * record.h for why that order is faithful. */
static int collect(importer *im, const knot__rec *r) {
    im->order[im->nev++] = (order_key){r->clock, r->u32, (uint32_t)(r - im->recs)};
    return 0;
}

/* Sort the events by (clock, task, id), by radix: a byte of the clock or
 * the task at a time, on keys that hold both, so that millions of events
 * are not compared through pointers to records spread over the journal.
 * Equal (clock, task) pairs, which a task's rising clock rules out but a
 * damaged journal may hold, are put in id order after. */
static unsigned key_byte(const order_key *k, unsigned pass, unsigned task_bytes) {
    return pass < task_bytes ? (k->task >> (8 * pass)) & 0xff
                             : (unsigned)(k->clock >> (8 * (pass - task_bytes))) & 0xff;
}

static unsigned bytes_of(uint64_t max) {
    unsigned n = 0;
    for (; max; max >>= 8)
        n++;
    return n;
}

static void sort_events(importer *im) {
    size_t n = im->nev, tmp_bytes = n * sizeof(order_key);
    order_key *k = im->order, *tmp = knot__import_reserve(tmp_bytes);
    uint64_t max_clock = 0;
    uint32_t max_task = 0;
    for (size_t i = 0; i < n; i++) {
        max_clock |= k[i].clock;
        max_task |= k[i].task;
    }
    unsigned task_bytes = bytes_of(max_task), passes = task_bytes + bytes_of(max_clock);
    for (unsigned pass = 0; pass < passes; pass++) {
        size_t at[257] = {0};
        for (size_t i = 0; i < n; i++)
            at[key_byte(&k[i], pass, task_bytes) + 1]++;
        for (unsigned b = 1; b < 257; b++)
            at[b] += at[b - 1];
        for (size_t i = 0; i < n; i++)
            tmp[at[key_byte(&k[i], pass, task_bytes)]++] = k[i];
        order_key *t = k;
        k = tmp;
        tmp = t;
    }
    if (k != im->order)
        memcpy(im->order, k, tmp_bytes);
    knot__import_release(k == im->order ? tmp : k, tmp_bytes);
    k = im->order;
    for (size_t i = 0, j; i < n; i = j) { /* the rare equal runs, by insertion */
        for (j = i + 1; j < n && k[j].clock == k[i].clock && k[j].task == k[i].task; j++)
            ;
        for (size_t a = i + 1; a < j; a++)
            for (size_t b = a; b > i && im->recs[k[b - 1].ix].id > im->recs[k[b].ix].id; b--) {
                order_key t = k[b];
                k[b] = k[b - 1];
                k[b - 1] = t;
            }
    }
}

static int import_events(importer *im) {
    if (im->nev == 0)
        return 0;
    if (im->ticks)
        clocks_ready(im);
    sort_events(im);
    im->nsite_bits = im->sites.len + 1; /* ids 1..len */
    im->site_bits = knot__xcalloc(im->nsite_bits, 1);
    for (unsigned k = 0; k < KNOT_TRACE_KINDS; k++)
        im->kind_bits[k] = kind_name(k) ? (uint8_t)knot__chain_kind_bits(kind_name(k)) : 0;
    number_events(&im->numbers, im->recs, im->order, im->nev);
    for (size_t i = 0; i < im->nev; i++)
        if (import_event(im, &im->recs[im->order[i].ix], (long long)i + 1))
            return -1;
    /* The numbers the events' references were mapped to are SQLite's. */
    if (sqlite3_last_insert_rowid(im->db) != (sqlite3_int64)im->nev)
        return fail(im, "events numbered %lld to %zu", (long long)sqlite3_last_insert_rowid(im->db),
                    im->nev);
    return 0;
}

static void put_later(later *l, size_t ix) {
    l->ix = knot__xgrow(l->ix, &l->cap, l->n + 1, sizeof *l->ix);
    l->ix[l->n++] = ix;
}

/* The one pass over every committed record: sites, places and clocks read,
 * events collected, chains and names put aside. (A pass over the records of
 * a large journal costs tens of ms; there were four.) */
static int scan(importer *im, const knot__rec *recs, size_t n) {
    for (size_t i = 0; i < n; i++) {
        const knot__rec *r = &recs[i];
        uint8_t type = atomic_load_explicit(&r->type, memory_order_relaxed);
        if (type == KNOT__REC_EMPTY)
            continue;
        if (type > im->last_type)
            return fail(im, "corrupt journal: unknown record type %u at record %zu", type, i);
        int rc = 0;
        if (type == KNOT__REC_EVENT) {
            rc = collect(im, r);
        } else if (type == KNOT__REC_SITE) {
            rc = import_site(im, r, recs + n);
        } else if (type == KNOT__REC_NAME) {
            rc = import_place(im, r);
            put_later(&im->names, i);
        } else if (type == KNOT__REC_CHAIN) {
            put_later(&im->chains, i);
        } else if (type == KNOT__REC_CLOCK && im->ticks) {
            rc = add_clock(im, r->a, r->b);
        }
        if (rc)
            return rc;
        if (type == KNOT__REC_SITE || type == KNOT__REC_NAME || type == KNOT__REC_CHAIN)
            i += (r->u32 + (uint32_t)sizeof *r - 1) / (uint32_t)sizeof *r;
    }
    return 0;
}

/* The records put aside of one kind, read by import. */
static int read_later(importer *im, const later *l, const knot__rec *recs, size_t n,
                      int (*import)(importer *, const knot__rec *, const knot__rec *)) {
    for (size_t k = 0; k < l->n; k++)
        if (import(im, &recs[l->ix[k]], recs + n))
            return -1;
    return 0;
}

/* An insert of n events; the columns but seq, which SQLite numbers. */
static int prepare_events(importer *im, sqlite3_stmt **st, int n) {
    static const char head[] = "INSERT INTO events(task,object,kind,phase,site,matched,result,"
                               "value,time_ns) VALUES",
                      row[] = "(?,?,?,?,?,?,?,?,?),";
    char sql[sizeof head + EVENT_BATCH * sizeof row];
    size_t len = strlen(head);
    memcpy(sql, head, len);
    for (int i = 0; i < n; i++, len += sizeof row - 1)
        memcpy(sql + len, row, sizeof row - 1);
    sql[len - 1] = '\0'; /* the last comma */
    return prepare(im, st, sql);
}

static int create(importer *im, const char *path) {
    if (sqlite3_open_v2(path, &im->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK)
        return sql_fail(im, path);
    /* Nobody reads the file until it is renamed into place, and a crash
     * leaves the journal to import again: no rollback journal, no syncs, no
     * file locks taken and dropped, sorts in memory. A bigger page cache than
     * 16 MiB bought nothing measurable and costs its pages' first touches.
     * Pages of 32 KiB, not 4: the rows are appended, and each page filled
     * costs SQLite a balance of the tree and a write whatever its size. */
    char pragmas[512];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA page_size=32768;"
             "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE;"
             "PRAGMA cache_size=-16384; PRAGMA temp_store=MEMORY; PRAGMA user_version=%d;"
             "PRAGMA application_id=%d; BEGIN;",
             KNOT_TRACE_SCHEMA_VERSION, KNOT_TRACE_APPLICATION_ID);
    if (sqlite3_exec(im->db, pragmas, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(im->db, KNOT_TRACE_TABLES_SQL, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(im->db,
                     "CREATE TEMP TABLE raw_sites(id INTEGER PRIMARY KEY, module TEXT, "
                     "address INTEGER, offset INTEGER);"
                     "CREATE TEMP TABLE raw_places(object INTEGER, address INTEGER)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(im, "creating the trace schema");
    return prepare(im, &im->site, "INSERT INTO sites VALUES(?,?,?,?,?,?)") ||
                   prepare(im, &im->raw_site, "INSERT INTO raw_sites VALUES(?,?,?,?)") ||
                   prepare_events(im, &im->batch, EVENT_BATCH) ||
                   prepare_events(im, &im->event, 1) ||
                   prepare(im, &im->chain,
                           "INSERT INTO sites(id,module,address) SELECT ?,module,address "
                           "FROM sites WHERE id=?") ||
                   prepare(im, &im->chain_frame, "INSERT INTO site_frames VALUES(?,?,?)") ||
                   prepare(im, &im->raw_place, "INSERT INTO raw_places VALUES(?,?)")
               ? -1
               : 0;
}

static int by_task_id(const void *pa, const void *pb) {
    const task_row *a = pa, *b = pb;
    return (a->id > b->id) - (a->id < b->id);
}

/* Row order: the INTEGER PRIMARY KEY's, which is the id as signed. */
static int by_object_id(const void *pa, const void *pb) {
    int64_t a = (int64_t)((const object_row *)pa)->id, b = (int64_t)((const object_row *)pb)->id;
    return (a > b) - (a < b);
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *text, int len) {
    if (text)
        sqlite3_bind_text(st, i, text, len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void bind_task(const importer *im, sqlite3_stmt *st, const void *row) {
    (void)im;
    const task_row *t = row;
    sqlite3_bind_int64(st, 1, t->id);
    bind_or_null(st, 2, t->started && t->parent, t->parent);
    bind_or_null(st, 3, t->started && t->spawn_site, (uint64_t)t->spawn_site);
    bind_or_null(st, 4, t->started, (uint64_t)t->start_seq);
    bind_or_null(st, 5, t->ended, (uint64_t)t->end_seq);
    bind_text_or_null(st, 6, t->ended ? t->how : NULL, -1);
}

/* Timers are channels made known by their chan_make: named here. */
static void bind_object(const importer *im, sqlite3_stmt *st, const void *row) {
    const object_row *o = row;
    bool timer = o->id && id_map_get(&im->timers, o->id);
    sqlite3_bind_int64(st, 1, (sqlite3_int64)o->id);
    sqlite3_bind_text(st, 2, timer ? "timer" : o->kind, -1, SQLITE_STATIC);
    bind_or_null(st, 3, o->sized, o->capacity);
    bind_or_null(st, 4, o->has_elem_size, o->elem_size);
    bind_text_or_null(st, 5, o->name, (int)o->name_len);
    bind_or_null(st, 6, o->site != 0, (uint64_t)o->site);
    sqlite3_bind_int64(st, 7, o->made_seq);
}

/* Insert n rows of the given size with sql, in order. */
static int write_rows(importer *im, const char *sql, void *rows, size_t n, size_t size,
                      int (*order)(const void *, const void *),
                      void (*bind)(const importer *, sqlite3_stmt *, const void *)) {
    sqlite3_stmt *st;
    if (prepare(im, &st, sql))
        return -1;
    if (n)
        qsort(rows, n, size, order);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        bind(im, st, (const char *)rows + i * size);
        rc = step_bound(im, st);
    }
    sqlite3_finalize(st);
    return rc;
}

static int finish(importer *im, const knot__journal_header *h) {
    im->stats->tasks = (long long)im->ntasks;
    im->stats->objects = (long long)im->nobjects;
    if (write_rows(im, "INSERT INTO tasks VALUES(?,?,?,?,?,?)", im->tasks, im->ntasks,
                   sizeof *im->tasks, by_task_id, bind_task) ||
        write_rows(im, "INSERT INTO objects VALUES(?,?,?,?,?,?,?)", im->objects, im->nobjects,
                   sizeof *im->objects, by_object_id, bind_object))
        return -1;
    sqlite3_stmt *st;
    if (prepare(im, &st, "INSERT INTO meta VALUES(?,?)"))
        return -1;
    const struct {
        const char *key;
        long long value;
    } rows[] = {{"pid", (long long)h->pid},
                {"start_ns", (long long)h->start_ns},
                {"journal_version", (long long)h->version},
                {"journal_cut_at", im->stats->cut_at}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0] - (im->stats->cut_at == 0); i++) {
        sqlite3_bind_text(st, 1, rows[i].key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, rows[i].value);
        if (step(im, st)) {
            sqlite3_finalize(st);
            return -1;
        }
    }
    size_t program_len = strnlen(h->program, sizeof h->program);
    if (program_len) {
        sqlite3_bind_text(st, 1, "program", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, h->program, (int)program_len, SQLITE_TRANSIENT);
        if (step(im, st)) {
            sqlite3_finalize(st);
            return -1;
        }
    }
    sqlite3_finalize(st);
    knot__symbolize_finish(im->symbolizer, im->db);
    im->symbolizer = NULL;
    if (knot__choose_chain_frames(im->db, im->site_bits, im->nsite_bits, im->err, im->errsize))
        return -1;
    /* The indexes last, each built from the rows in place. */
    if (sqlite3_exec(im->db, KNOT_TRACE_INDEXES_SQL "COMMIT;", NULL, NULL, NULL) != SQLITE_OK)
        return sql_fail(im, "finishing the trace");
    return 0;
}

static void close_importer(importer *im) {
    if (im->symbolizer)
        knot__symbolize_finish(im->symbolizer, NULL);
    sqlite3_finalize(im->site);
    sqlite3_finalize(im->raw_site);
    sqlite3_finalize(im->batch);
    sqlite3_finalize(im->event);
    sqlite3_finalize(im->chain);
    sqlite3_finalize(im->chain_frame);
    sqlite3_finalize(im->raw_place);
    sqlite3_close(im->db);
    id_map_free(&im->sites);
    event_numbers_free(&im->numbers);
    id_map_free(&im->task_ix);
    id_map_free(&im->object_ix);
    id_map_free(&im->timers);
    free(im->tasks);
    free(im->objects);
    knot__import_release(im->order, im->nrecs * sizeof *im->order);
    free(im->clk);
    free(im->site_bits);
    free(im->chains.ix);
    free(im->names.ix);
}

static int check_header(importer *im, const char *path, const void *map, size_t size) {
    const knot__journal_header *h = map;
    if (size < KNOT__JOURNAL_HEADER || memcmp(h->magic, KNOT__JOURNAL_MAGIC, 8) != 0)
        return fail(im, "%s: not a knot journal", path);
    if (h->version < 1 || h->version > KNOT__JOURNAL_VERSION || h->record_size != sizeof(knot__rec))
        return fail(im, "%s: journal version %u is not supported (this knot reads 1 to %d)", path,
                    h->version, KNOT__JOURNAL_VERSION);
    if (h->version >= 4 && h->chunk_size != KNOT__JOURNAL_CHUNK_BYTES)
        return fail(im, "%s: journal chunks of %u bytes are not supported (this knot reads %u)",
                    path, h->chunk_size, KNOT__JOURNAL_CHUNK_BYTES);
    im->last_type = h->version == 1   ? KNOT__REC_NAME
                    : h->version == 2 ? KNOT__REC_CLOCK
                                      : KNOT__REC_CHAIN;
    if (h->version >= 2 && h->tsc_hz) {
        im->ticks = true;
        im->ns_per_tick = 1e9 / (double)h->tsc_hz;
        return add_clock(im, h->tsc_start, h->start_ns);
    }
    return 0;
}

int knot__trace_import_buffer(const void *journal, size_t size, const char *name,
                              const char *db_path, knot__import_stats *stats, char *err,
                              size_t errsize) {
    knot__import_stats unused;
    importer im = {.stats = stats ? stats : &unused, .err = err, .errsize = errsize};
    memset(im.stats, 0, sizeof *im.stats);
    if (check_header(&im, name, journal, size))
        return -1;
    /* The recorder grows its journal a whole segment at a time: one that
     * ends inside a segment was cut short (a full disk, a copy interrupted).
     * What it holds is still sound; the caller says it is partial. */
    const knot__journal_header *h = journal;
    if (h->version >= 2 && h->segment_size &&
        (size < KNOT__JOURNAL_DATA + h->segment_size ||
         (size - KNOT__JOURNAL_DATA) % h->segment_size != 0))
        im.stats->cut_at = (long long)size;
    const knot__rec *recs = (const knot__rec *)((const char *)journal + KNOT__JOURNAL_HEADER);
    size_t n = (size - KNOT__JOURNAL_HEADER) / sizeof(knot__rec);
    knot__journal_records expanded = {0};
    if (h->version >= 4) {
        if (knot__journal_expand_chunks((const unsigned char *)journal + KNOT__JOURNAL_HEADER,
                                        size - KNOT__JOURNAL_HEADER, KNOT__JOURNAL_HEADER,
                                        &expanded, err, errsize)) {
            knot__journal_records_free(&expanded);
            close_importer(&im);
            return -1;
        }
        recs = expanded.recs;
        n = expanded.n;
    }
    /* Each event's key names its record in 32 bits. */
    if (n > UINT32_MAX) {
        knot__journal_records_free(&expanded);
        close_importer(&im);
        return fail(&im, "%s: %zu records are more than one import takes (%u)", name, n,
                    UINT32_MAX);
    }
    im.recs = recs;
    im.nrecs = n;
    im.order = knot__import_reserve(n * sizeof *im.order);
    int rc = create(&im, db_path) || scan(&im, recs, n) ||
                     !(im.symbolizer = knot__symbolize_start(im.db)) ||
                     read_later(&im, &im.chains, recs, n, import_chain) || import_events(&im) ||
                     read_later(&im, &im.names, recs, n, import_name) || finish(&im, journal)
                 ? -1
                 : 0;
    close_importer(&im);
    knot__journal_records_free(&expanded);
    return rc;
}

int knot__trace_import(const char *journal_path, const char *db_path, knot__import_stats *stats,
                       char *err, size_t errsize) {
    int fd = open(journal_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errsize, "%s: %s", journal_path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < (off_t)KNOT__JOURNAL_HEADER) {
        close(fd);
        snprintf(err, errsize, "%s: not a knot journal (too short)", journal_path);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    /* Mapped in one go: a fault for each page of a large journal costs more
     * than reading it. */
    void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        snprintf(err, errsize, "%s: %s", journal_path, strerror(errno));
        return -1;
    }
    /* Build beside the target and rename over it: no reader sees half a trace. */
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", db_path, (long)getpid());
    unlink(tmp);
    int rc = knot__trace_import_buffer(map, size, journal_path, tmp, stats, err, errsize);
    munmap(map, size);
    if (!rc && rename(tmp, db_path) != 0) {
        snprintf(err, errsize, "%s: %s", db_path, strerror(errno));
        rc = -1;
    }
    if (rc)
        unlink(tmp);
    return rc;
}
