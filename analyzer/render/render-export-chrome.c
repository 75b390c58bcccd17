/* The Trace Event Format timeline of a run (see render-export-chrome.h and the
 * format's own document, "Trace Event Format", which Perfetto and
 * chrome://tracing follow).
 *
 * The events are read in trace order with SQL, as render-graph-hb.c reads them, and
 * become records: "X" slices (a blocked interval, a critical section, and a
 * zero-length slice per operation for flow arrows to bind to), "s"/"f" flow
 * pairs, "i" instants for findings. The records are sorted by time before
 * they are written, parents before children, so that every viewer nests
 * them and binds each flow to the slice of its own operation.
 *
 * The trace's time_ns is informational (docs/trace-format.md): two threads'
 * clocks may disagree by about a microsecond. A timeline must still never
 * draw an effect before its cause, so each event's time is lifted to at
 * least its task's previous event, the event it matched (the send a receive
 * took, the unlock a lock followed) and, for a task's start, its spawn. */
#include "render-export-chrome.h"
#include "util-xalloc.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

enum tl_what {
    TL_BLOCKED,  /* X: a task blocked, from its begin to its end */
    TL_HELD,     /* X: a lock held, from its lock to its unlock */
    TL_OP,       /* X of no length: one operation, what flows bind to */
    TL_FLOW_OUT, /* s */
    TL_FLOW_IN,  /* f */
    TL_FINDING,  /* i */
};

enum tl_flow { FLOW_HANDOFF, FLOW_LOCK, FLOW_SPAWN, FLOW_OTHER };

typedef struct tl_rec {
    long long ts, dur; /* ns from the run's first event */
    long long seq;     /* the event drawn; a flow's id; a finding's index */
    long long object, site;
    int task;
    unsigned char what, flow;  /* enum tl_what, enum tl_flow */
    unsigned char kind, kind2; /* the event's kind; a flow's source kind (tl.kinds) */
    bool unfinished;           /* an interval the run ended inside */
    size_t order;              /* the last tie-break of the sort: stable output */
} tl_rec;

/* An event already read, for the events after it that name it. */
typedef struct tl_seen {
    long long seq, ts;
    int task;
    unsigned char kind;
} tl_seen;

/* An operation that began and has not yet ended, per task. */
typedef struct tl_pending {
    bool on;
    unsigned char kind;
    long long seq, ts, object, site;
} tl_pending;

/* A lock a task holds (depth: a recursive mutex's count). */
typedef struct tl_section {
    long long object, ts, seq, site;
    int task, depth;
    unsigned char kind;
} tl_section;

#define MAX_KINDS 64

typedef struct tl {
    const knot__replay *r;
    tl_rec *v;
    size_t n, cap;
    tl_seen *seen;
    size_t nseen, capseen;
    tl_section *held;
    size_t nheld, capheld;
    struct {
        char name[32];
        enum knot__ev ev;
    } kinds[MAX_KINDS]; /* [0] is every kind not listed */
    size_t nkinds;
    tl_pending *pending; /* per task */
    long long *last;     /* per task: the time of its last event */
    tl_seen *spawned;    /* per task: the go that spawned it (seq 0: none seen) */
    bool *used;          /* per task: has events */
    long long end;       /* the time of the run's last event */
} tl;

static tl_rec *add(tl *t, enum tl_what what, long long ts, int task) {
    t->v = knot__xgrow(t->v, &t->cap, t->n + 1, sizeof *t->v);
    tl_rec *rec = &t->v[t->n];
    memset(rec, 0, sizeof *rec);
    rec->what = (unsigned char)what;
    rec->ts = ts;
    rec->task = task;
    rec->order = t->n++;
    return rec;
}

static unsigned char intern_kind(tl *t, const unsigned char *s, int n) {
    for (size_t k = 1; s && k < t->nkinds; k++)
        if ((int)strlen(t->kinds[k].name) == n && memcmp(t->kinds[k].name, s, (size_t)n) == 0)
            return (unsigned char)k;
    if (!s || t->nkinds == MAX_KINDS || n >= (int)sizeof t->kinds[0].name)
        return 0;
    memcpy(t->kinds[t->nkinds].name, s, (size_t)n);
    t->kinds[t->nkinds].name[n] = '\0';
    t->kinds[t->nkinds].ev = knot__replay_kind(s, n);
    return (unsigned char)t->nkinds++;
}

/* The event seq, read earlier (events arrive in seq order), or NULL. */
static const tl_seen *find_seen(const tl *t, long long seq) {
    size_t lo = 0, hi = t->nseen;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->seen[mid].seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->nseen && t->seen[lo].seq == seq ? &t->seen[lo] : NULL;
}

static void interval(tl *t, enum tl_what what, int task, long long from, long long to,
                     const tl_section *s, bool unfinished) {
    tl_rec *rec = add(t, what, from, task);
    rec->dur = to > from ? to - from : 0;
    rec->seq = s->seq;
    rec->object = s->object;
    rec->site = s->site;
    rec->kind = s->kind;
    rec->unfinished = unfinished;
}

static void end_blocked(tl *t, int task, long long ts, bool unfinished) {
    tl_pending *p = &t->pending[task];
    tl_section s = {p->object, p->ts, p->seq, p->site, task, 0, p->kind};
    interval(t, TL_BLOCKED, task, p->ts, ts, &s, unfinished);
    p->on = false;
}

static void flow(tl *t, enum tl_flow kind, long long id, const tl_seen *from, const tl_seen *to) {
    tl_rec *out = add(t, TL_FLOW_OUT, from->ts, from->task);
    tl_rec *in = add(t, TL_FLOW_IN, to->ts, to->task);
    out->seq = in->seq = id;
    out->flow = in->flow = (unsigned char)kind;
    out->kind = in->kind = to->kind;
    out->kind2 = in->kind2 = from->kind;
}

static bool is_lock(enum knot__ev ev) {
    return ev == KNOT_EV_MUTEX_LOCK || ev == KNOT_EV_MUTEX_TRYLOCK ||
           ev == KNOT_EV_MUTEX_TIMEDLOCK || ev == KNOT_EV_RW_RDLOCK || ev == KNOT_EV_RW_WRLOCK;
}

static bool is_chan_op(enum knot__ev ev) {
    return ev == KNOT_EV_CHAN_SEND || ev == KNOT_EV_CHAN_RECV || ev == KNOT_EV_SELECT ||
           ev == KNOT_EV_SELECT_NB;
}

static tl_section *section_of(tl *t, long long object, int task) {
    for (size_t i = 0; i < t->nheld; i++)
        if (t->held[i].object == object && t->held[i].task == task)
            return &t->held[i];
    return NULL;
}

static void release(tl *t, tl_section *s, long long ts, bool unfinished) {
    if (--s->depth > 0 && !unfinished)
        return;
    interval(t, TL_HELD, s->task, s->ts, ts, s, unfinished);
    *s = t->held[--t->nheld];
}

/* Critical sections: a lock taken opens one (read locks each their own), its
 * owner's unlock closes it, and so does the owner's end. */
static void track_locks(tl *t, const knot__event *e, unsigned char kind, long long ts) {
    enum knot__ev ev = t->kinds[kind].ev;
    tl_section *s = e->object ? section_of(t, e->object, e->task) : NULL;
    if (is_lock(ev) && e->object && knot__lock_taken(e)) {
        if (s) {
            s->depth++;
            return;
        }
        t->held = knot__xgrow(t->held, &t->capheld, t->nheld + 1, sizeof *t->held);
        t->held[t->nheld++] = (tl_section){e->object, ts, e->seq, e->site, e->task, 1, kind};
    } else if ((ev == KNOT_EV_MUTEX_UNLOCK || ev == KNOT_EV_RW_UNLOCK) && s &&
               (!e->has_result || e->result == 0)) {
        release(t, s, ts, false);
    } else if (ev == KNOT_EV_TASK_END) {
        for (size_t i = t->nheld; i-- > 0;)
            if (t->held[i].task == e->task)
                release(t, &t->held[i], ts, true);
    }
}

/* The arrows an event draws: from the event it matched, from its spawn. */
static void track_flows(tl *t, const knot__event *e, const tl_seen *self, const tl_seen *m) {
    enum knot__ev ev = t->kinds[self->kind].ev;
    if (m) {
        enum knot__ev from = t->kinds[m->kind].ev;
        enum tl_flow kind = is_chan_op(ev) && is_chan_op(from) ? FLOW_HANDOFF
                            : is_lock(ev)                      ? FLOW_LOCK
                                                               : FLOW_OTHER;
        flow(t, kind, e->seq, m, self);
    }
    if (ev == KNOT_EV_TASK_START && t->spawned[e->task].seq)
        flow(t, FLOW_SPAWN, e->seq, &t->spawned[e->task], self);
    if (ev == KNOT_EV_GO && e->has_value && e->value > 0 && (size_t)e->value < t->r->ntasks)
        t->spawned[e->value] = *self;
}

typedef struct finding_at {
    long long seq;
    size_t index;
} finding_at;

static int by_seq(const void *a, const void *b) {
    const finding_at *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void instant(tl *t, size_t index, long long ts, int task) {
    tl_rec *rec = add(t, TL_FINDING, ts, task);
    rec->seq = (long long)index;
}

static void event(tl *t, const knot__event *e, unsigned char kind, bool has_time, long long time) {
    int task = e->task;
    enum knot__ev ev = t->kinds[kind].ev;
    t->seen = knot__xgrow(t->seen, &t->capseen, t->nseen + 1, sizeof *t->seen);
    const tl_seen *m = e->has_matched ? find_seen(t, e->matched) : NULL;
    long long ts = has_time && time > t->last[task] ? time : t->last[task];
    if (m && m->ts > ts)
        ts = m->ts;
    if (ev == KNOT_EV_TASK_START && t->spawned[task].seq && t->spawned[task].ts > ts)
        ts = t->spawned[task].ts;
    t->last[task] = ts;
    t->used[task] = true;
    if (ts > t->end)
        t->end = ts;
    tl_seen *self = &t->seen[t->nseen++];
    *self = (tl_seen){e->seq, ts, task, kind};
    tl_pending *p = &t->pending[task];
    if (e->phase == KNOT_BEGIN) {
        if (p->on) /* a begin that never ended, then more: it ended unrecorded */
            end_blocked(t, task, ts, true);
        *p = (tl_pending){true, kind, e->seq, ts, e->object, e->site};
        return; /* flows to a begin bind to its blocked slice */
    }
    if (p->on)
        end_blocked(t, task, ts, e->phase != KNOT_END);
    if (ev != KNOT_EV_SELECT_CASE) {
        tl_rec *op = add(t, TL_OP, ts, task);
        op->seq = e->seq;
        op->object = e->object;
        op->site = e->site;
        op->kind = kind;
    }
    track_flows(t, e, self, m);
    track_locks(t, e, kind, ts);
}

static int read_events(tl *t, const finding_at *at, size_t nat, bool *placed, char *err,
                       size_t errsize) {
    const knot__replay *r = t->r;
    sqlite3_stmt *st;
    const char *sql = "SELECT seq, task, object, kind, phase, site, matched, result, value, "
                      "time_ns - (SELECT min(time_ns) FROM events) FROM events ORDER BY seq";
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errsize, "%s: %s", r->path, sqlite3_errmsg(r->db));
        return -1;
    }
    size_t next = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        knot__event e = {0};
        e.seq = sqlite3_column_int64(st, 0);
        e.task = sqlite3_column_int(st, 1);
        if (e.task < 0 || (size_t)e.task >= r->ntasks)
            continue; /* the trace was validated: a task it does not list is none of ours */
        e.object = sqlite3_column_int64(st, 2);
        unsigned char kind =
            intern_kind(t, sqlite3_column_text(st, 3), sqlite3_column_bytes(st, 3));
        e.kind = t->kinds[kind].ev;
        const unsigned char *phase = sqlite3_column_text(st, 4);
        e.phase = !phase            ? KNOT_POINT
                  : phase[0] == 'b' ? KNOT_BEGIN
                  : phase[0] == 'e' ? KNOT_END
                                    : KNOT_POINT;
        e.site = sqlite3_column_int64(st, 5);
        e.has_matched = sqlite3_column_type(st, 6) != SQLITE_NULL;
        e.matched = sqlite3_column_int64(st, 6);
        e.has_result = sqlite3_column_type(st, 7) != SQLITE_NULL;
        e.result = sqlite3_column_int64(st, 7);
        e.has_value = sqlite3_column_type(st, 8) != SQLITE_NULL;
        e.value = sqlite3_column_int64(st, 8);
        bool has_time = sqlite3_column_type(st, 9) != SQLITE_NULL;
        event(t, &e, kind, has_time, sqlite3_column_int64(st, 9));
        while (next < nat && at[next].seq < e.seq)
            next++;
        for (; next < nat && at[next].seq == e.seq; next++) {
            instant(t, at[next].index, t->last[e.task], e.task);
            placed[at[next].index] = true;
        }
    }
    if (rc != SQLITE_DONE)
        snprintf(err, errsize, "%s: %s", r->path, sqlite3_errmsg(r->db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Whatever the run ended inside lasts to its end. */
static void finish(tl *t, const knot__findings *fs, const bool *placed) {
    for (size_t task = 0; task < t->r->ntasks; task++)
        if (t->pending[task].on)
            end_blocked(t, (int)task, t->end, true);
    while (t->nheld)
        release(t, &t->held[t->nheld - 1], t->end, true);
    for (size_t i = 0; i < fs->n; i++) {
        const knot__finding *f = &fs->v[i];
        int task = f->ntasks && (size_t)f->tasks[0].id < t->r->ntasks ? (int)f->tasks[0].id : 1;
        if (!placed[i]) {
            t->used[task] = true;
            instant(t, i, t->end, task);
        }
    }
}

/* By time; at one time, slices before flows and instants, longer slices
 * (the parents) before shorter ones. */
static int by_time(const void *a, const void *b) {
    const tl_rec *x = a, *y = b;
    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    bool xs = x->what <= TL_OP, ys = y->what <= TL_OP;
    if (xs != ys)
        return xs ? -1 : 1;
    if (xs && x->dur != y->dur)
        return x->dur > y->dur ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* ---- writing ---- */

static json_t *micros(long long ns) { return json_real((double)ns / 1000.0); }

static json_t *base(const char *name, const char *cat, const char *ph, long long ts, int pid,
                    int tid) {
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(name));
    if (cat)
        json_object_set_new(o, "cat", json_string(cat));
    json_object_set_new(o, "ph", json_string(ph));
    json_object_set_new(o, "ts", micros(ts));
    json_object_set_new(o, "pid", json_integer(pid));
    json_object_set_new(o, "tid", json_integer(tid));
    return o;
}

static json_t *metadata(const char *what, int pid, int tid, const char *name, int sort) {
    json_t *o = base(what, NULL, "M", 0, pid, tid);
    json_t *args = json_object();
    if (name)
        json_object_set_new(args, "name", json_string(name));
    else
        json_object_set_new(args, "sort_index", json_integer(sort));
    json_object_set_new(o, "args", args);
    return o;
}

/* A task's track is named as the report names the task. */
static void task_name(const knot__replay *r, int task, char *out, size_t size) {
    const knot__task_info *ti = &r->tasks[task];
    char where[256];
    knot__replay_site_text(r, ti->spawn_site, "", where, sizeof where);
    const char *fn = ti->function && ti->function[0] ? ti->function : NULL;
    if (task == 0)
        snprintf(out, size, "runtime");
    else if (task == 1 || !where[0])
        snprintf(out, size, "task %d%s%s%s%s", task, fn ? " " : "", fn ? fn : "", fn ? "()" : "",
                 task == 1 ? " (main)" : "");
    else
        snprintf(out, size, "task %d%s%s%s, spawned at %s", task, fn ? " " : "", fn ? fn : "",
                 fn ? "()" : "", where);
}

static const char *const flow_names[] = {"hand-off", "unlock → lock", "spawn", NULL};
static const char *const flow_cats[] = {"chan", "lock", "task", "sync"};

static json_t *record_json(const tl *t, const tl_rec *rec, const knot__findings *fs, int pid) {
    const knot__replay *r = t->r;
    char name[512], what[320] = "", site[256];
    const char *kind = t->kinds[rec->kind].name[0] ? t->kinds[rec->kind].name : "?";
    if (rec->object > 0)
        knot__replay_describe(r, rec->object, what, sizeof what);
    knot__replay_site_text(r, rec->site, "", site, sizeof site);
    json_t *o, *args = json_object();
    switch ((enum tl_what)rec->what) {
    case TL_BLOCKED:
    case TL_HELD:
    case TL_OP:
        if (rec->what == TL_BLOCKED)
            snprintf(name, sizeof name, "%s %s", knot__replay_verb(t->kinds[rec->kind].ev),
                     rec->object > 0 ? what : kind);
        else if (rec->what == TL_HELD)
            snprintf(name, sizeof name, "holding %s", what);
        else
            snprintf(name, sizeof name, "%s%s%s", kind, what[0] ? " " : "", what);
        o = base(name,
                 rec->what == TL_BLOCKED ? "blocked"
                 : rec->what == TL_HELD  ? "held"
                                         : "op",
                 "X", rec->ts, pid, rec->task);
        json_object_set_new(o, "dur", micros(rec->dur));
        json_object_set_new(args, "event", json_integer(rec->seq));
        if (site[0])
            json_object_set_new(args, "site", json_string(site));
        if (rec->unfinished)
            json_object_set_new(args, "unfinished", json_true());
        break;
    case TL_FLOW_OUT:
    case TL_FLOW_IN:
        if (flow_names[rec->flow])
            snprintf(name, sizeof name, "%s", flow_names[rec->flow]);
        else
            snprintf(name, sizeof name, "%s → %s", t->kinds[rec->kind2].name, kind);
        o = base(name, flow_cats[rec->flow], rec->what == TL_FLOW_OUT ? "s" : "f", rec->ts, pid,
                 rec->task);
        json_object_set_new(o, "id", json_integer(rec->seq));
        if (rec->what == TL_FLOW_IN) /* to the slice of the operation at this time */
            json_object_set_new(o, "bp", json_string("e"));
        json_decref(args);
        return o;
    case TL_FINDING:
    default: {
        const knot__finding *f = &fs->v[rec->seq];
        o = base(f->rule, "finding", "i", rec->ts, pid, rec->task);
        json_object_set_new(o, "s", json_string("t"));
        json_object_set_new(args, "message", json_string(f->message));
        json_object_set_new(args, "severity", json_string(knot__severity_name(f->severity)));
        json_object_set_new(args, "predicted", json_boolean(f->predicted));
        if (f->loc.file) {
            snprintf(name, sizeof name, "%s:%d", f->loc.file, f->loc.line);
            json_object_set_new(args, "location", json_string(name));
        }
        break;
    }
    }
    json_object_set_new(o, "args", args);
    return o;
}

/* The document is written event by event: jansson writes each one (all the
 * escaping and number formatting), and only the envelope's brackets and
 * commas are ours, so a long run never holds its whole JSON tree at once. */
static bool put(FILE *out, json_t *o, bool *first) {
    if (!*first)
        fputs(",\n", out);
    *first = false;
    int rc = json_dumpf(
        o, out, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    json_decref(o);
    return rc == 0;
}

static char *meta_text(const knot__replay *r, const char *key) {
    sqlite3_stmt *st;
    char *v = NULL;
    if (sqlite3_prepare_v2(r->db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            v = knot__text_dup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return v;
}

static bool write_doc(FILE *out, const tl *t, const knot__findings *fs) {
    const knot__replay *r = t->r;
    char *pid_text = meta_text(r, "pid"), *program = meta_text(r, "program");
    int pid = pid_text ? (int)strtol(pid_text, NULL, 10) : 0;
    if (pid <= 0)
        pid = 1;
    const char *slash = program ? strrchr(program, '/') : NULL;
    char name[512];
    snprintf(name, sizeof name, "%s (pid %d)",
             slash     ? slash + 1
             : program ? program
                       : "program",
             pid);
    free(pid_text);
    free(program);
    bool ok = true, first = true;
    fputs("{\"traceEvents\":[\n", out);
    ok &= put(out, metadata("process_name", pid, 0, name, 0), &first);
    for (size_t task = 0; task < r->ntasks; task++) {
        if (!t->used[task] && !(task > 0 && r->tasks[task].present))
            continue;
        task_name(r, (int)task, name, sizeof name);
        ok &= put(out, metadata("thread_name", pid, (int)task, name, 0), &first);
        ok &= put(out, metadata("thread_sort_index", pid, (int)task, NULL, (int)task), &first);
    }
    for (size_t i = 0; i < t->n && ok; i++)
        ok &= put(out, record_json(t, &t->v[i], fs, pid), &first);
    fputs("\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":", out);
    json_t *other = json_object();
    json_object_set_new(other, "generator", json_string("knot export"));
    json_object_set_new(other, "trace", json_string(r->path));
    first = true;
    ok &= put(out, other, &first);
    fputs("}\n", out);
    return ok && !ferror(out);
}

int knot__export_chrome(FILE *out, const knot__replay *r, const knot__findings *fs, char *err,
                        size_t errsize) {
    tl t = {.r = r, .nkinds = 1};
    t.pending = knot__xcalloc(r->ntasks, sizeof *t.pending);
    t.last = knot__xcalloc(r->ntasks, sizeof *t.last);
    t.spawned = knot__xcalloc(r->ntasks, sizeof *t.spawned);
    t.used = knot__xcalloc(r->ntasks, sizeof *t.used);
    finding_at *at = knot__xcalloc(fs->n + 1, sizeof *at);
    bool *placed = knot__xcalloc(fs->n + 1, sizeof *placed);
    size_t nat = 0;
    for (size_t i = 0; i < fs->n; i++)
        if (fs->v[i].seq > 0)
            at[nat++] = (finding_at){fs->v[i].seq, i};
    qsort(at, nat, sizeof *at, by_seq);
    int rc = read_events(&t, at, nat, placed, err, errsize);
    if (rc == 0) {
        finish(&t, fs, placed);
        if (t.n)
            qsort(t.v, t.n, sizeof *t.v, by_time);
        if (!write_doc(out, &t, fs))
            rc = -2;
    }
    free(t.v);
    free(t.seen);
    free(t.held);
    free(t.pending);
    free(t.last);
    free(t.spawned);
    free(t.used);
    free(at);
    free(placed);
    return rc;
}
