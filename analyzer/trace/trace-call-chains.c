/* Where a finding about an interposed call should point. The recorder keeps
 * a few frames of each pthread call's chain; when the call sits in a lock
 * wrapper (pigz's possess(), a library's g_mutex_lock()) or a spawn wrapper
 * (pigz's launch()), the line a user wants is its caller's. No code is
 * inspected: what the trace shows decides. A function is a wrapper when
 * every call of it the trace recorded was a lock operation, or a spawn or
 * a lock with a spawn among them (so it does nothing else the trace can
 * see); a lock wrapper
 * takes locks or lets them go but not both (one that does both holds a
 * critical section of its own, and that is where its findings belong); its
 * callers are the program's own code (not a thread's start: the recorder's
 * chains stop there; never main); and it is called from two places or more,
 * or from another source file than its own (a library's function called
 * once). Such a function called from one place in its own file is that
 * place's code, whatever it does. Functions reached only through wrappers
 * are judged the same way, so a wrapper of a wrapper is looked past too.
 * KNOT_LOCK_WRAPPERS names more (commas or spaces between function names). */
#include "trace-call-chains.h"

#include "record.h"
#include "util-xalloc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct chain {
    long long site;
    long long frame[KNOT__CHAIN_MAX];
    int fn[KNOT__CHAIN_MAX];   /* index into the function table, or -1 when unnamed */
    int file[KNOT__CHAIN_MAX]; /* index into the file table, or -1 when unknown */
    int n;
    unsigned families; /* of the events at this site: FAMILY_ bits */
    bool acquires;     /* one takes a lock (a mutex, a semaphore's unit) */
    bool releases;     /* one lets one go (a condition wait's do neither) */
} chain;

/* What a wrapper may do: lock operations or spawns, one of them only. */
enum { FAMILY_LOCK = 1, FAMILY_SPAWN = 2, FAMILY_OTHER = 4 };

/* Functions, known by module and name. */
typedef struct fn_table {
    char **names; /* "module\037function" */
    size_t n, cap;
    int *slots; /* hash → index + 1 */
    size_t nslots;
} fn_table;

typedef struct fn_state {
    bool decided, wrapper;
    /* Gathered at the depth being decided: */
    bool seen, all_called, acquires, releases;
    unsigned families;
    long long caller;    /* the first caller's frame site */
    bool many_callers;   /* a second, different one */
    bool foreign_caller; /* a caller in another source file */
} fn_state;

static size_t hash(const char *s) {
    size_t h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h;
}

/* The index of name, added if new. */
static int fn_intern(fn_table *t, const char *name) {
    if (2 * (t->n + 1) > t->nslots) {
        size_t nslots = t->nslots ? t->nslots * 2 : 256;
        int *slots = knot__xcalloc(nslots, sizeof *slots);
        for (size_t i = 0; i < t->n; i++) {
            size_t h = hash(t->names[i]) & (nslots - 1);
            while (slots[h])
                h = (h + 1) & (nslots - 1);
            slots[h] = (int)i + 1;
        }
        free(t->slots);
        t->slots = slots;
        t->nslots = nslots;
    }
    size_t h = hash(name) & (t->nslots - 1);
    for (; t->slots[h]; h = (h + 1) & (t->nslots - 1))
        if (!strcmp(t->names[t->slots[h] - 1], name))
            return t->slots[h] - 1;
    t->names = knot__xgrow(t->names, &t->cap, t->n + 1, sizeof *t->names);
    t->names[t->n] = knot__xstrdup(name);
    t->slots[h] = (int)t->n + 1;
    return (int)t->n++;
}

static void fn_free(fn_table *t) {
    for (size_t i = 0; i < t->n; i++)
        free(t->names[i]);
    free(t->names);
    free(t->slots);
}

/* Whether the function name (after the module) is listed in KNOT_LOCK_WRAPPERS. */
static bool named_wrapper(const char *module_and_name) {
    const char *list = getenv("KNOT_LOCK_WRAPPERS");
    const char *name = strchr(module_and_name, '\037');
    if (!list || !name)
        return false;
    name++;
    size_t len = strlen(name);
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ", \t");
        if (n == len && !strncmp(p, name, n))
            return true;
        p += n;
        p += strspn(p, ", \t");
    }
    return false;
}

static int load_chains(sqlite3 *db, chain **out, size_t *nout, fn_table *fns, fn_table *files) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT f.site, f.depth, f.frame, s.module, s.function, s.file FROM "
                           "site_frames f JOIN sites s ON s.id = f.frame ORDER BY f.site, f.depth",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    chain *v = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long site = sqlite3_column_int64(st, 0);
        int depth = sqlite3_column_int(st, 1);
        if (n == 0 || v[n - 1].site != site) {
            v = knot__xgrow(v, &cap, n + 1, sizeof *v);
            v[n++] = (chain){.site = site};
        }
        chain *c = &v[n - 1];
        if (depth != c->n || c->n == KNOT__CHAIN_MAX)
            continue; /* a gap: the chain ends where it is whole */
        const char *module = (const char *)sqlite3_column_text(st, 3);
        const char *function = (const char *)sqlite3_column_text(st, 4);
        int fn = -1;
        if (function && *function) {
            char key[4096];
            snprintf(key, sizeof key, "%s\037%s", module ? module : "", function);
            fn = fn_intern(fns, key);
        }
        const char *file = (const char *)sqlite3_column_text(st, 5);
        int file_index = file && *file ? fn_intern(files, file) : -1;
        c->frame[c->n] = sqlite3_column_int64(st, 2);
        c->file[c->n] = file_index;
        c->fn[c->n++] = fn;
    }
    sqlite3_finalize(st);
    *out = v;
    *nout = n;
    return rc == SQLITE_DONE ? 0 : -1;
}

static bool starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool one_of(const char *s, const char *const *list) {
    for (; *list; list++)
        if (!strcmp(s, *list))
            return true;
    return false;
}

unsigned knot__chain_kind_bits(const char *kind) {
    static const char *const
        lock_families[] = {"mutex_", "cond_", "rwlock_", "spin_", "sem_", "barrier_"},
        *const spawns[] = {"go", "task_start", NULL}, *const acquires[] = {"mutex_lock",
                                                                           "mutex_trylock",
                                                                           "mutex_timedlock",
                                                                           "rwlock_rdlock",
                                                                           "rwlock_wrlock",
                                                                           "spin_lock",
                                                                           "spin_trylock",
                                                                           "sem_wait",
                                                                           "sem_trywait",
                                                                           "sem_timedwait",
                                                                           NULL},
        *const releases[] = {"mutex_unlock", "rwlock_unlock", "spin_unlock", "sem_post", NULL};
    unsigned bits = 0;
    for (size_t i = 0; i < sizeof lock_families / sizeof *lock_families; i++)
        if (starts(kind, lock_families[i]))
            bits |= KNOT_CHAIN_LOCK;
    if (one_of(kind, spawns))
        bits |= KNOT_CHAIN_SPAWN;
    if (!bits)
        bits |= KNOT_CHAIN_OTHER;
    if (one_of(kind, acquires))
        bits |= KNOT_CHAIN_ACQUIRE;
    if (one_of(kind, releases))
        bits |= KNOT_CHAIN_RELEASE;
    if (!strcmp(kind, "cond_wait"))
        bits |= KNOT_CHAIN_COND_WAIT;
    return bits;
}

static void mark_families(chain *v, size_t n, const uint8_t *site_bits, size_t nsites) {
    for (size_t i = 0; i < n; i++) {
        chain *c = &v[i];
        unsigned bits = c->site > 0 && (size_t)c->site < nsites ? site_bits[c->site] : 0;
        /* A condition wait's site also records the unlock and relock the
         * wait does inside libc: those neither take nor let go. */
        bool waits = bits & KNOT_CHAIN_COND_WAIT;
        c->families = (bits & KNOT_CHAIN_LOCK ? FAMILY_LOCK : 0) |
                      (bits & KNOT_CHAIN_SPAWN ? FAMILY_SPAWN : 0) |
                      (bits & KNOT_CHAIN_OTHER ? FAMILY_OTHER : 0);
        c->acquires = !waits && (bits & KNOT_CHAIN_ACQUIRE);
        c->releases = !waits && (bits & KNOT_CHAIN_RELEASE);
    }
}

/* Whether frames 0..depth-1 of c are all wrappers. */
static bool through_wrappers(const chain *c, int depth, const fn_state *fs) {
    for (int d = 0; d < depth; d++)
        if (c->fn[d] < 0 || !fs[c->fn[d]].wrapper)
            return false;
    return true;
}

static void decide_wrappers(chain *v, size_t n, const fn_table *fns, fn_state *fs) {
    for (size_t f = 0; f < fns->n; f++)
        if (named_wrapper(fns->names[f]))
            fs[f].decided = fs[f].wrapper = true;
    for (int depth = 0; depth < KNOT__CHAIN_MAX; depth++) {
        for (size_t f = 0; f < fns->n; f++)
            fs[f].seen = false;
        for (size_t i = 0; i < n; i++) {
            chain *c = &v[i];
            if (depth >= c->n || c->fn[depth] < 0 || !through_wrappers(c, depth, fs))
                continue;
            fn_state *s = &fs[c->fn[depth]];
            if (s->decided)
                continue;
            bool called = depth + 1 < c->n;
            long long caller = called ? c->frame[depth + 1] : 0;
            if (!s->seen) {
                *s = (fn_state){.seen = true, .all_called = true, .caller = caller};
            } else if (caller != s->caller) {
                s->many_callers = true;
            }
            if (called && c->file[depth] != c->file[depth + 1])
                s->foreign_caller = true;
            s->families |= c->families;
            s->all_called &= called;
            s->acquires |= c->acquires;
            s->releases |= c->releases;
        }
        for (size_t f = 0; f < fns->n; f++)
            if (fs[f].seen) {
                const char *name = strchr(fns->names[f], '\037') + 1;
                fs[f].decided = true;
                /* A spawn wrapper may lock for its own books (yarn's
                 * launch() keeps a list of threads under a mutex). */
                bool one_kind =
                    (fs[f].families & ~(unsigned)FAMILY_LOCK) == FAMILY_SPAWN ||
                    (fs[f].families == FAMILY_LOCK && !(fs[f].acquires && fs[f].releases));
                fs[f].wrapper = one_kind && fs[f].all_called &&
                                (fs[f].many_callers || fs[f].foreign_caller) &&
                                strcmp(name, "main") != 0;
            }
    }
}

static int place_chains(sqlite3 *db, const chain *v, size_t n, const fn_state *fs) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            db,
            "UPDATE sites SET (file, line, function, module, address) = "
            "(SELECT file, line, function, module, address FROM sites WHERE id = ?2) "
            "WHERE id = ?1",
            -1, &st, NULL) != SQLITE_OK)
        return -1;
    int rc = SQLITE_DONE;
    for (size_t i = 0; i < n && rc == SQLITE_DONE; i++) {
        const chain *c = &v[i];
        if (c->n == 0)
            continue;
        int d = 0;
        while (d + 1 < c->n && c->fn[d] >= 0 && fs[c->fn[d]].wrapper)
            d++;
        sqlite3_bind_int64(st, 1, c->site);
        sqlite3_bind_int64(st, 2, c->frame[d]);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int knot__choose_chain_frames(sqlite3 *db, const uint8_t *site_bits, size_t nsites, char *err,
                              size_t errsize) {
    chain *v = NULL;
    size_t n = 0;
    fn_table fns = {0}, files = {0};
    fn_state *fs = NULL;
    int rc = -1;
    if (load_chains(db, &v, &n, &fns, &files))
        goto out;
    mark_families(v, n, site_bits, nsites);
    fs = knot__xcalloc(fns.n ? fns.n : 1, sizeof *fs);
    decide_wrappers(v, n, &fns, fs);
    rc = place_chains(db, v, n, fs);
out:
    if (rc)
        snprintf(err, errsize, "placing call chains: %s", sqlite3_errmsg(db));
    free(v);
    free(fs);
    fn_free(&fns);
    fn_free(&files);
    return rc;
}
