/* The replayer: loading a trace, and streaming its events through the
 * happens-before model (replay-hb.c) and the final-state bookkeeping the
 * rules share. */
#include "replay.h"
#include "replay-hb.h"
#include "replay-waitfor.h"
#include "trace-schema.h"
#include "util-xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* A trace names at most this many sites or objects: the replayer keeps a
 * slot for each id up to the largest, so a larger id means a corrupt file
 * (or a run too long for one trace), refused with a message rather than
 * exhausting memory. */
#define MAX_IDS (1LL << 23)
/* Vector clocks are dense, one slot per task: past this many tasks their
 * memory (tasks squared) is the limit, and the trace is refused with a
 * message rather than exhausting the machine. */
#define MAX_TASKS 65536

static int fail(char *err, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    /* clang-analyzer 14 misreads va_start here, as in the runtime's panic. */
    vsnprintf(err, size, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
    va_end(ap);
    return -1;
}

static char *dup_text(sqlite3_stmt *st, int col) {
    const unsigned char *s = sqlite3_column_text(st, col);
    return knot__xstrdup((const char *)s);
}

/* ---- opening ---- */

static int pragma_int(sqlite3 *db, const char *sql, int *out) {
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    else
        rc = SQLITE_ERROR;
    sqlite3_finalize(st);
    return rc;
}

/* Whether the trace has a table that traces of older knots lack. */
static bool has_table(sqlite3 *db, const char *name) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", -1, &st,
                           NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    bool found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static int check_trace(knot__replay *r, char *err, size_t size) {
    int app = 0, version = -1;
    if (pragma_int(r->db, "PRAGMA application_id", &app) != SQLITE_OK)
        return fail(err, size, "%s: not a knot trace (%s)", r->path, sqlite3_errmsg(r->db));
    if (app != KNOT_TRACE_APPLICATION_ID)
        return fail(err, size, "%s: not a knot trace", r->path);
    if (pragma_int(r->db, "PRAGMA user_version", &version) != SQLITE_OK ||
        version != KNOT_TRACE_SCHEMA_VERSION)
        return fail(err, size, "%s: trace schema version %d is not supported (this knot reads %d)",
                    r->path, version, KNOT_TRACE_SCHEMA_VERSION);
    /* Corruption shows as an error from the reads below: a full integrity
     * check would read the whole file once more before replaying it. */
    sqlite3_exec(r->db, "PRAGMA mmap_size=0", NULL, NULL, NULL);
    return 0;
}

typedef int (*row_fn)(knot__replay *r, sqlite3_stmt *st, long long id, char *err, size_t size);

static int each_row(knot__replay *r, const char *sql, row_fn fn, char *err, size_t size) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(err, size, "%s: not a readable knot trace: %s", r->path, sqlite3_errmsg(r->db));
    int rc, ret = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && ret == 0) {
        long long id = sqlite3_column_int64(st, 0);
        if (id < 0 || id > MAX_IDS)
            ret = fail(err, size, "%s: corrupt trace: id %lld out of range", r->path, id);
        else
            ret = fn(r, st, id, err, size);
    }
    if (ret == 0 && rc != SQLITE_DONE && rc != SQLITE_ROW)
        ret = fail(err, size, "%s: corrupt trace: %s", r->path, sqlite3_errmsg(r->db));
    sqlite3_finalize(st);
    return ret;
}

static int load_frame(knot__replay *r, sqlite3_stmt *st, long long site, char *err, size_t size) {
    (void)err, (void)size;
    long long frame = sqlite3_column_int64(st, 2);
    if (site <= 0 || (size_t)site >= r->nsites || frame <= 0 || (size_t)frame >= r->nsites ||
        sqlite3_column_int64(st, 1) != (long long)r->sites[site].nframes)
        return 0; /* a chain with a gap ends where it is whole */
    knot__site_info *s = &r->sites[site];
    size_t n = s->nframes;
    s->frames = knot__xgrow(s->frames, &n, n + 1, sizeof *s->frames);
    s->frames[s->nframes++] = frame;
    return 0;
}

static int load_site(knot__replay *r, sqlite3_stmt *st, long long id, char *err, size_t size) {
    (void)err, (void)size;
    r->sites = knot__xgrow(r->sites, &r->nsites, (size_t)id + 1, sizeof *r->sites);
    knot__site_info *s = &r->sites[id];
    free(s->file); /* a corrupt file may repeat an id */
    free(s->function);
    free(s->module);
    s->file = dup_text(st, 1);
    s->line = sqlite3_column_int(st, 2);
    s->function = dup_text(st, 3);
    s->module = dup_text(st, 4);
    s->address = (unsigned long long)sqlite3_column_int64(st, 5);
    return 0;
}

static int load_task(knot__replay *r, sqlite3_stmt *st, long long id, char *err, size_t size) {
    if (id >= MAX_TASKS)
        return fail(err, size, "%s: task %lld: traces of more than %d tasks are not supported",
                    r->path, id, MAX_TASKS);
    r->tasks = knot__xgrow(r->tasks, &r->ntasks, (size_t)id + 1, sizeof *r->tasks);
    knot__task_info *t = &r->tasks[id];
    free(t->ended);
    t->present = true;
    t->parent = sqlite3_column_int(st, 1);
    t->spawn_site = sqlite3_column_int64(st, 2);
    t->start_seq = sqlite3_column_int64(st, 3);
    t->end_seq = sqlite3_column_int64(st, 4);
    t->ended = dup_text(st, 5);
    return 0;
}

static int load_object(knot__replay *r, sqlite3_stmt *st, long long id, char *err, size_t size) {
    (void)err, (void)size;
    r->objects = knot__xgrow(r->objects, &r->nobjects, (size_t)id + 1, sizeof *r->objects);
    knot__object_info *o = &r->objects[id];
    free(o->kind);
    free(o->name);
    o->present = true;
    o->kind = dup_text(st, 1);
    o->capacity = sqlite3_column_int64(st, 2);
    o->elem_size = sqlite3_column_int64(st, 3);
    o->name = dup_text(st, 4);
    o->site = sqlite3_column_int64(st, 5);
    o->made_seq = sqlite3_column_int64(st, 6);
    return 0;
}

static int load_meta(knot__replay *r, sqlite3_stmt *st, long long id, char *err, size_t size) {
    (void)id, (void)err, (void)size;
    /* knot run records how the program ended. An exit, or a crash of its
     * own, ends it; a kill from outside (a timeout) may have hit a hang. */
    const unsigned char *key = sqlite3_column_text(st, 1);
    int value = sqlite3_column_int(st, 2);
    bool own_signal = key && strcmp((const char *)key, "exit_signal") == 0 && value != 9 &&
                      value != 15 && value != 2;
    if (key && (strcmp((const char *)key, "exit_status") == 0 || own_signal))
        r->program_ended = true;
    if (own_signal)
        r->crashed = true;
    return 0;
}

int knot__replay_open(knot__replay *r, const char *path, char *err, size_t errsize) {
    memset(r, 0, sizeof *r);
    struct stat sb;
    if (stat(path, &sb) != 0)
        return fail(err, errsize, "%s: no such trace", path);
    if (S_ISDIR(sb.st_mode))
        return fail(err, errsize, "%s: is a directory, not a trace", path);
    sqlite3 *db;
    /* One thread reads the trace: no per-call locking inside SQLite. */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        fail(err, errsize, "%s: %s", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    return knot__replay_attach(r, db, path, err, errsize);
}

int knot__replay_attach(knot__replay *r, sqlite3 *db, const char *name, char *err, size_t errsize) {
    memset(r, 0, sizeof *r);
    r->path = name;
    r->db = db;
    if (check_trace(r, err, errsize) ||
        each_row(r, "SELECT id, file, line, function, module, address FROM sites", load_site, err,
                 errsize) ||
        (has_table(r->db, "site_frames") &&
         each_row(r, "SELECT site, depth, frame FROM site_frames ORDER BY site, depth", load_frame,
                  err, errsize)) ||
        each_row(r, "SELECT id, parent, spawn_site, start_seq, end_seq, ended FROM tasks",
                 load_task, err, errsize) ||
        each_row(r, "SELECT id, kind, capacity, elem_size, name, site, made_seq FROM objects",
                 load_object, err, errsize) ||
        each_row(r, "SELECT 0, key, value FROM meta", load_meta, err, errsize)) {
        knot__replay_close(r);
        return -1;
    }
    /* The task table grew geometrically; clocks are sized by the real count. */
    size_t used = 0;
    for (size_t t = 0; t < r->ntasks; t++)
        if (r->tasks[t].present)
            used = t + 1;
    r->ntasks = used;
    /* Task 0 is the runtime itself (timers); task ids start at 1. */
    r->tasks = knot__xgrow(r->tasks, &r->ntasks, r->ntasks < 2 ? 2 : r->ntasks, sizeof *r->tasks);
    r->objects = knot__xgrow(r->objects, &r->nobjects, r->nobjects < 1 ? 1 : r->nobjects,
                             sizeof *r->objects);
    r->sites = knot__xgrow(r->sites, &r->nsites, r->nsites < 1 ? 1 : r->nsites, sizeof *r->sites);
    return 0;
}

void knot__replay_close(knot__replay *r) {
    knot__hb_free(r);
    if (r->wfg)
        knot__wfg_free(r->wfg);
    free(r->wfg);
    for (size_t i = 0; i < r->nsites; i++) {
        free(r->sites[i].file);
        free(r->sites[i].function);
        free(r->sites[i].module);
        free(r->sites[i].frames);
    }
    for (size_t i = 0; i < r->ntasks; i++) {
        free(r->tasks[i].ended);
        free(r->tasks[i].function);
    }
    for (size_t i = 0; i < r->nobjects; i++) {
        free(r->objects[i].kind);
        free(r->objects[i].name);
        free(r->objects[i].uses);
    }
    free(r->sites);
    free(r->tasks);
    free(r->objects);
    if (r->db)
        sqlite3_close(r->db);
    memset(r, 0, sizeof *r);
}

/* ---- decoding ---- */

static const struct {
    const char *name;
    enum knot__ev kind;
} kind_names[] = {
#define KIND_NAME(num, name, text, replay) {text, KNOT_EV_##replay},
    KNOT__EVENT_KINDS(KIND_NAME)
#undef KIND_NAME
};

/* Kind names repeat on every row: a small hash of the text finds them
 * without a string comparison per table entry. */
#define KIND_SLOTS 128
static int kind_slot[KIND_SLOTS]; /* index+1 into kind_names, 0 empty */
_Static_assert(sizeof kind_names / sizeof kind_names[0] <= KIND_SLOTS / 2,
               "the kind hash has room for every kind");

static unsigned kind_hash(const unsigned char *s, int n) {
    unsigned h = 2166136261u;
    for (int i = 0; i < n; i++)
        h = (h ^ s[i]) * 16777619u;
    return h;
}

static void kind_table_init(void) {
    if (kind_slot[kind_hash((const unsigned char *)"go", 2) % KIND_SLOTS])
        return;
    for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
        const char *n = kind_names[i].name;
        unsigned h = kind_hash((const unsigned char *)n, (int)strlen(n)) % KIND_SLOTS;
        while (kind_slot[h])
            h = (h + 1) % KIND_SLOTS;
        kind_slot[h] = (int)i + 1;
    }
}

enum knot__ev knot__replay_kind(const unsigned char *s, int n) {
    if (!s)
        return KNOT_EV_OTHER;
    kind_table_init();
    for (unsigned h = kind_hash(s, n) % KIND_SLOTS; kind_slot[h]; h = (h + 1) % KIND_SLOTS) {
        const char *name = kind_names[kind_slot[h] - 1].name;
        if ((int)strlen(name) == n && memcmp(name, s, (size_t)n) == 0)
            return kind_names[kind_slot[h] - 1].kind;
    }
    return KNOT_EV_OTHER;
}

static enum knot__phase decode_phase(const unsigned char *s) {
    if (!s)
        return KNOT_POINT;
    return s[0] == 'b' ? KNOT_BEGIN : s[0] == 'e' ? KNOT_END : KNOT_POINT;
}

static void column(sqlite3_stmt *st, int col, long long *v, bool *has) {
    *has = sqlite3_column_type(st, col) != SQLITE_NULL;
    *v = *has ? sqlite3_column_int64(st, col) : 0;
}

static void decode(sqlite3_stmt *st, knot__event *e) {
    e->seq = sqlite3_column_int64(st, 0);
    e->task = sqlite3_column_int(st, 1);
    e->object = sqlite3_column_int64(st, 2);
    e->kind = knot__replay_kind(sqlite3_column_text(st, 3), sqlite3_column_bytes(st, 3));
    e->phase = decode_phase(sqlite3_column_text(st, 4));
    e->site = sqlite3_column_int64(st, 5);
    column(st, 6, &e->matched, &e->has_matched);
    column(st, 7, &e->result, &e->has_result);
    column(st, 8, &e->value, &e->has_value);
}

/* ---- final-state bookkeeping ---- */

static void note_use(knot__replay *r, const knot__event *e, enum knot__ev kind) {
    knot__object_info *o = &r->objects[e->object];
    for (size_t i = 0; i < o->nuses; i++)
        if (o->uses[i].task == e->task && o->uses[i].kind == kind)
            return;
    knot__use *u = knot__xrealloc(o->uses, (o->nuses + 1) * sizeof *u);
    o->uses = u;
    o->uses[o->nuses++] = (knot__use){e->task, kind, e->site, e->seq};
}

static bool took_lock(const knot__event *e) { return knot__lock_taken(e); }

static void track_locks(knot__replay *r, const knot__event *e, knot__object_info *o) {
    switch (e->kind) {
    case KNOT_EV_MUTEX_LOCK:
    case KNOT_EV_MUTEX_TRYLOCK:
    case KNOT_EV_MUTEX_TIMEDLOCK:
    case KNOT_EV_RW_WRLOCK:
        if (!took_lock(e))
            break;
        if (o->holder == e->task) {
            o->depth++;
        } else {
            o->holder = e->task;
            o->depth = 1;
            o->held_site = e->site;
        }
        note_use(r, e, KNOT_EV_MUTEX_LOCK);
        break;
    case KNOT_EV_RW_RDLOCK:
        if (took_lock(e))
            o->readers++;
        note_use(r, e, KNOT_EV_MUTEX_LOCK);
        break;
    case KNOT_EV_MUTEX_UNLOCK:
    case KNOT_EV_RW_UNLOCK:
        /* An unlock is recorded before libc runs it; if libc refused, a
         * second row with the error follows: undo the first. */
        if (e->has_result && e->result != 0) {
            if (o->undo_task == e->task) {
                o->holder = o->undo_holder;
                o->depth = o->undo_depth;
                o->undo_task = 0;
            }
            break;
        }
        o->undo_task = e->task;
        o->undo_holder = o->holder;
        o->undo_depth = o->depth;
        if (o->holder == e->task) {
            if (--o->depth <= 0)
                o->holder = o->depth = 0;
        } else if (e->kind == KNOT_EV_RW_UNLOCK && o->readers > 0) {
            o->readers--;
        } else {
            o->holder = o->depth = 0; /* unlocked by a non-owner: no longer held */
        }
        break;
    default:
        break;
    }
}

static void track_object(knot__replay *r, const knot__event *e) {
    if (e->object <= 0 || (size_t)e->object >= r->nobjects)
        return;
    knot__object_info *o = &r->objects[e->object];
    if (knot__event_is_send(e)) {
        note_use(r, e, KNOT_EV_CHAN_SEND);
        o->sent++;
    } else if (knot__event_is_recv(e)) {
        note_use(r, e, KNOT_EV_CHAN_RECV);
        if (!(e->has_matched && e->matched == o->close_seq))
            o->received++;
    }
    switch (e->kind) {
    case KNOT_EV_CHAN_SEND:
    case KNOT_EV_CHAN_RECV:
        if (e->phase == KNOT_BEGIN)
            note_use(r, e, e->kind);
        break;
    case KNOT_EV_CHAN_MAKE:
    case KNOT_EV_TIMER_MAKE:
        o->maker = e->task;
        break;
    case KNOT_EV_CHAN_FREE:
        o->freed = true;
        break;
    case KNOT_EV_CHAN_CLOSE:
        if (!o->closed) {
            o->closed = true;
            o->close_seq = e->seq;
            o->close_site = e->site;
            o->close_task = e->task;
        }
        note_use(r, e, KNOT_EV_CHAN_CLOSE);
        break;
    case KNOT_EV_WG_ADD:
        o->wg_counter = e->result;
        note_use(r, e, KNOT_EV_WG_ADD);
        break;
    case KNOT_EV_COND_SIGNAL:
    case KNOT_EV_COND_BROADCAST:
    case KNOT_EV_SEM_POST:
        note_use(r, e, e->kind);
        break;
    default:
        track_locks(r, e, o);
        break;
    }
}

static bool timed_wait(const knot__event *e) {
    return e->kind == KNOT_EV_MUTEX_TIMEDLOCK || e->kind == KNOT_EV_SEM_TIMEDWAIT;
}

/* A receive from a timer channel (knot_sleep, knot_after) ends by itself. */
static bool on_timer(const knot__replay *r, const knot__event *e) {
    const knot__object_info *o =
        e->object > 0 && (size_t)e->object < r->nobjects ? &r->objects[e->object] : NULL;
    return o && o->kind && strcmp(o->kind, "timer") == 0;
}

static void track_task(knot__replay *r, const knot__event *e) {
    knot__task_info *t = &r->tasks[e->task];
    t->last = *e;
    t->blocked = e->phase == KNOT_BEGIN;
    t->timed = t->blocked && (timed_wait(e) || on_timer(r, e));
    if (e->kind == KNOT_EV_THREAD_JOIN && e->phase == KNOT_BEGIN)
        t->join_target = e->value;
    if (e->kind == KNOT_EV_TASK_END && e->task == 1)
        r->program_ended = true;
    if (e->kind == KNOT_EV_DEADLOCK)
        r->detector_fired = true;
    if (e->kind == KNOT_EV_PANIC)
        r->crashed = true;
}

/* ---- the stream ---- */

static void feed(knot__replay *r, const knot__dynamic_check *const *checks, void **states, size_t n,
                 knot__event *e) {
    r->events++;
    if (!r->state_only)
        knot__hb_event(r, e);
    track_task(r, e);
    track_object(r, e);
    for (size_t i = 0; i < n; i++)
        if (checks[i]->event)
            checks[i]->event(states[i], r, e);
}

/* A cond wait that began and was followed by anything but its end was
 * unwound: the thread was cancelled in it (pthread_cond_wait is a
 * cancellation point). libc retakes the mutex before the cleanup handlers
 * run, but no lock event says so; make the lock the wait ended with, at the
 * wait's site, so that a cleanup handler's unlock unlocks a held mutex. */
static bool unwound_wait(const knot__replay *r, const knot__event *e, knot__event *lock) {
    const knot__event *w = &r->tasks[e->task].last;
    if (w->kind != KNOT_EV_COND_WAIT || w->phase != KNOT_BEGIN || !w->has_value || w->value <= 0 ||
        w->value >= (long long)r->nobjects ||
        (e->kind == KNOT_EV_COND_WAIT && e->phase == KNOT_END))
        return false;
    *lock = (knot__event){.seq = e->seq,
                          .task = e->task,
                          .object = w->value,
                          .kind = KNOT_EV_MUTEX_LOCK,
                          .phase = KNOT_POINT,
                          .site = w->site};
    return true;
}

int knot__replay_run(knot__replay *r, const knot__dynamic_check *const *checks, size_t n,
                     knot__findings *out, char *err, size_t errsize) {
    kind_table_init();
    if (!r->state_only && knot__hb_init(r) != 0)
        return fail(err, errsize, "%s: out of memory for %zu tasks", r->path, r->ntasks);
    void **states = knot__xcalloc(n ? n : 1, sizeof *states);
    for (size_t i = 0; i < n; i++)
        states[i] = checks[i]->start ? checks[i]->start(r, out) : NULL;

    /* Objects have rows of their own; an event may name one without (a kind
     * this knot does not describe), but not one far past every row. */
    long long max_object = (long long)r->nobjects + (1 << 16);
    sqlite3_stmt *st;
    int ret = 0;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT seq, task, object, kind, phase, site, matched, result, value"
                           " FROM events ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK) {
        ret =
            fail(err, errsize, "%s: not a readable knot trace: %s", r->path, sqlite3_errmsg(r->db));
        st = NULL;
    }
    int rc = SQLITE_DONE;
    while (st && ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        knot__event e;
        decode(st, &e);
        if (r->until > 0 && e.seq > r->until) {
            rc = SQLITE_DONE; /* stopped where asked: the rest is not read */
            break;
        }
        if (e.seq <= 0 || e.task < 0 || (size_t)e.task >= r->ntasks || e.object < 0 ||
            e.object > max_object || e.site < 0 || (size_t)e.site >= r->nsites) {
            ret = fail(err, errsize, "%s: corrupt trace: event %lld %s", r->path, e.seq,
                       e.seq <= 0 ? "has no valid number"
                       : e.site < 0 || (size_t)e.site >= r->nsites
                           ? "names an unknown site"
                           : "names an unknown task or object");
            break;
        }
        /* An object with events but no row of its own (a kind this knot
         * does not describe) still gets its state. */
        r->objects =
            knot__xgrow(r->objects, &r->nobjects, (size_t)e.object + 1, sizeof *r->objects);
        knot__event retaken;
        if (unwound_wait(r, &e, &retaken)) {
            feed(r, checks, states, n, &retaken);
            r->events--; /* not in the trace */
        }
        feed(r, checks, states, n, &e);
    }
    if (ret == 0 && st && rc != SQLITE_DONE)
        ret = fail(err, errsize, "%s: corrupt trace: %s", r->path, sqlite3_errmsg(r->db));
    sqlite3_finalize(st);
    if (ret == 0) { /* the final state's wait-for graph, for every rule and picture */
        r->wfg = knot__xcalloc(1, sizeof *r->wfg);
        knot__wfg_build(r, r->wfg);
    }
    for (size_t i = 0; i < n; i++)
        if (checks[i]->finish)
            checks[i]->finish(states[i], r, ret == 0 ? out : NULL);
    free(states);
    return ret;
}
