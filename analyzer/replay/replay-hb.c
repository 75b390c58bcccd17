/* Happens-before, per the Go memory model and the pthread rules:
 *
 *   go → the child's start; a task's end → the join that returns it;
 *   a send → the receive that took its value; on an unbuffered channel the
 *   receive → the completion of that send; on a channel of capacity C the
 *   k-th receive → the (k+C)-th send; close → a receive that saw it closed;
 *   unlock → later locks; signal → the wait it ends; wg add/done → wait
 *   return; sem post → wait; barrier arrival → every departure.
 *
 * Where the trace does not say which release an acquire observed (conds,
 * semaphores, wait groups, barriers), the acquire joins every earlier
 * release of the object. That can only add order, never remove it, so a
 * "concurrent" verdict stays sound: predicted findings never rest on an
 * order the run did not have.
 *
 * The replay's on_edge sees each edge as a clock is joined along it: the
 * happens-before pictures draw these, not an order of their own. */
#include "replay-hb.h"
#include "util-xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Receive clocks kept per buffered channel, at most: the (k+C)-th send's
 * edge from the k-th receive needs the last C of them. */
#define MAX_RING (1u << 16)
/* Clocks kept for reuse, at most: enough for the sends in flight at once. */
#define MAX_SPARE 1024

typedef struct pending_send {
    long long seq; /* 0: empty slot */
    int task;
    knot__vc_t *vc;
} pending_send;

/* A release that no later release of its object follows: an acquire has
 * an edge from each. One per task at most, so a mutex has one. */
typedef struct last_release {
    int task;
    knot__vc_t clock;
    long long seq;
} last_release;

typedef struct releases {
    knot__vc_t *vc;     /* the join of every release */
    last_release *last; /* kept only when edges are told */
    size_t nlast, cap;
} releases;

typedef struct obj_hb {
    releases release;    /* unlocks, signals, posts, wg adds, barrier arrivals */
    releases wr_release; /* an rwlock's write unlocks */
    knot__vc_t *close;
    knot__vc_t **ring;   /* buffered channel: the clocks of the last C receives */
    long long *ring_seq; /* ... and their events */
    size_t nring;
    unsigned long long nsend, nrecv;
    long long close_seq;
} obj_hb;

typedef struct end_entry {
    long long seq;
    int task;
} end_entry;

struct knot__replay_hb {
    bool with_locks; /* false: the model without lock edges (for lock-order) */
    size_t n;
    knot__vc_t **spawn, **end, **deferred; /* per task */
    long long *spawn_seq, *deferred_seq;   /* per task: the go, the receive behind them */
    void (*on_edge)(void *ctx, const knot__hb_edge *edge); /* the replay's, main model only */
    void *edge_ctx;
    obj_hb *objs;
    size_t nobjs;
    pending_send *sends; /* open addressing on seq */
    size_t cap, count;
    end_entry *ends; /* task_end seq → task, sorted */
    size_t nends;
    bool *joined;   /* per task: some join names its end */
    bool *unpaired; /* without pairings: the channels whose send/receive pairing
                     * edges are left out (bool per object id, nunpaired of them) */
    size_t nunpaired;
    bool *nested; /* without lock edges: the locks whose edges are left out */
    size_t nnested;
    long long *held_last; /* per task: the last lock it took, and how many */
    int *held_count;
    knot__vc_t **spare; /* clocks freed for reuse: a send's clock lives only
                         * until its receive, so most allocations recycle */
    size_t nspare, capspare;
};

static knot__vc_t *vc_copy(struct knot__replay_hb *hb, const knot__vc_t *from) {
    if (hb->nspare == 0)
        return knot__vc_dup(from, hb->n);
    knot__vc_t *vc = hb->spare[--hb->nspare];
    memcpy(vc, from, hb->n * sizeof *vc);
    return vc;
}

static void vc_release(struct knot__replay_hb *hb, knot__vc_t *vc) {
    if (!vc)
        return;
    if (hb->nspare >= MAX_SPARE) {
        free(vc);
        return;
    }
    hb->spare = knot__xgrow(hb->spare, &hb->capspare, hb->nspare + 1, sizeof *hb->spare);
    hb->spare[hb->nspare++] = vc;
}

static int end_cmp(const void *a, const void *b) {
    long long x = ((const end_entry *)a)->seq, y = ((const end_entry *)b)->seq;
    return (x > y) - (x < y);
}

static void model_init(knot__replay *r, bool with_locks) {
    struct knot__replay_hb *hb = knot__xcalloc(1, sizeof *hb);
    size_t n = r->ntasks;
    hb->with_locks = with_locks;
    hb->n = n;
    hb->spawn = knot__xcalloc(n, sizeof *hb->spawn);
    hb->end = knot__xcalloc(n, sizeof *hb->end);
    hb->deferred = knot__xcalloc(n, sizeof *hb->deferred);
    hb->spawn_seq = knot__xcalloc(n, sizeof *hb->spawn_seq);
    hb->deferred_seq = knot__xcalloc(n, sizeof *hb->deferred_seq);
    /* A task's clock exists from its first event to its end: memory follows
     * the tasks alive at once, not all the tasks of the trace. */
    r->vc = knot__xcalloc(n, sizeof *r->vc);
    hb->ends = knot__xcalloc(n, sizeof *hb->ends);
    for (size_t t = 0; t < n; t++)
        if (r->tasks[t].end_seq > 0)
            hb->ends[hb->nends++] = (end_entry){r->tasks[t].end_seq, (int)t};
    qsort(hb->ends, hb->nends, sizeof *hb->ends, end_cmp);
    /* Only a thread that someone joins needs its final clock kept. */
    hb->joined = knot__xcalloc(n, sizeof *hb->joined);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db,
                           "SELECT DISTINCT matched FROM events WHERE kind = 'thread_join'"
                           " AND matched IS NOT NULL",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            end_entry key = {sqlite3_column_int64(st, 0), 0};
            end_entry *hit = bsearch(&key, hb->ends, hb->nends, sizeof key, end_cmp);
            if (hit)
                hb->joined[hit->task] = true;
        }
    }
    sqlite3_finalize(st);
    r->hb = hb;
}

/* The model without lock edges runs on a view of the replay whose hb and vc
 * are its own; everything else is shared. */
static knot__replay nolock_view(const knot__replay *r) {
    knot__replay view = *r;
    view.hb = r->hb_nolock;
    view.vc = r->vc_nolock;
    return view;
}

static knot__replay unpaired_view(const knot__replay *r) {
    knot__replay view = *r;
    view.hb = r->hb_unpaired;
    view.vc = r->vc_unpaired;
    return view;
}

/* Is ch one whose pairings the model without pairings leaves out? */
static bool unpaired(const struct knot__replay_hb *hb, long long ch) {
    return hb->unpaired && ch > 0 && (size_t)ch < hb->nunpaired && hb->unpaired[ch];
}

bool knot__replay_unpaired(const knot__replay *r, long long ch) {
    return r->hb_unpaired && unpaired(r->hb_unpaired, ch);
}

/* The channels a receive could have paired differently on, as far as
 * send-on-closed cares: closed ones that two or more tasks send on. Only
 * when some exist does the replay keep the model without their pairings. */
static bool *find_unpaired(sqlite3 *db, size_t *n) {
    bool *v = NULL;
    *n = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT object FROM events WHERE kind IN ('chan_send', 'select',"
                           " 'select_nb') AND phase != 'begin' AND object IN (SELECT object FROM"
                           " events WHERE kind = 'chan_close') GROUP BY object"
                           " HAVING count(DISTINCT task) >= 2",
                           -1, &st, NULL) != SQLITE_OK)
        return NULL;
    while (sqlite3_step(st) == SQLITE_ROW) {
        long long ch = sqlite3_column_int64(st, 0);
        if (ch <= 0 || ch > (1LL << 23))
            continue;
        v = knot__xgrow(v, n, (size_t)ch + 1, sizeof *v);
        v[ch] = true;
    }
    sqlite3_finalize(st);
    return v;
}

/* The locks that can be on a lock-order cycle: those taken while the same
 * task holds another, or held while it takes another. Only their edges are
 * left out of the model without lock edges; a lock never nested (a flag
 * polled under its own mutex, say) still orders what it orders. Followed as
 * the events stream: a lock nested only later has ordered what came before,
 * which can hide a cycle but never invent one. */
static void follow_nesting(struct knot__replay_hb *hb, const knot__event *e) {
    bool unlock = e->kind == KNOT_EV_MUTEX_UNLOCK || e->kind == KNOT_EV_RW_UNLOCK;
    bool lock = e->kind == KNOT_EV_MUTEX_LOCK || e->kind == KNOT_EV_MUTEX_TRYLOCK ||
                e->kind == KNOT_EV_MUTEX_TIMEDLOCK || e->kind == KNOT_EV_RW_RDLOCK ||
                e->kind == KNOT_EV_RW_WRLOCK;
    if ((!lock && !unlock) || e->object <= 0 || (size_t)e->task >= hb->n)
        return;
    if (unlock) {
        if (!e->has_result || e->result == 0)
            hb->held_count[e->task] -= hb->held_count[e->task] > 0;
        return;
    }
    if (!knot__lock_taken(e))
        return;
    hb->nested = knot__xgrow(hb->nested, &hb->nnested, (size_t)e->object + 1, sizeof *hb->nested);
    long long last = hb->held_last[e->task];
    if (hb->held_count[e->task] > 0 && last != e->object && last > 0 &&
        (size_t)last < hb->nnested) {
        hb->nested[e->object] = true;
        hb->nested[last] = true;
    }
    hb->held_last[e->task] = e->object;
    hb->held_count[e->task]++;
}

int knot__hb_init(knot__replay *r) {
    knot__replay view = *r;
    model_init(&view, false);
    view.hb->held_last = knot__xcalloc(r->ntasks, sizeof *view.hb->held_last);
    view.hb->held_count = knot__xcalloc(r->ntasks, sizeof *view.hb->held_count);
    r->hb_nolock = view.hb;
    r->vc_nolock = view.vc;
    size_t n;
    bool *chans = find_unpaired(r->db, &n);
    if (chans) {
        model_init(&view, true);
        view.hb->unpaired = chans;
        view.hb->nunpaired = n;
        r->hb_unpaired = view.hb;
        r->vc_unpaired = view.vc;
    }
    model_init(r, true);
    r->hb->on_edge = r->on_edge;
    r->hb->edge_ctx = r->edge_ctx;
    return 0;
}

static void free_obj(obj_hb *o) {
    free(o->release.vc);
    free(o->release.last);
    free(o->wr_release.vc);
    free(o->wr_release.last);
    free(o->close);
    if (o->ring)
        for (size_t i = 0; i < o->nring; i++)
            free(o->ring[i]);
    free(o->ring);
    free(o->ring_seq);
}

static void model_free(knot__replay *r) {
    struct knot__replay_hb *hb = r->hb;
    if (!hb)
        return;
    for (size_t t = 0; t < hb->n; t++) {
        free(hb->spawn[t]);
        free(hb->end[t]);
        free(hb->deferred[t]);
        free(r->vc[t]);
    }
    for (size_t i = 0; i < hb->nobjs; i++)
        free_obj(&hb->objs[i]);
    for (size_t i = 0; i < hb->cap; i++)
        free(hb->sends[i].vc);
    free(hb->spawn);
    free(hb->end);
    free(hb->deferred);
    free(hb->spawn_seq);
    free(hb->deferred_seq);
    free(hb->objs);
    free(hb->sends);
    free(hb->ends);
    free(hb->joined);
    free(hb->nested);
    free(hb->unpaired);
    free(hb->held_last);
    free(hb->held_count);
    for (size_t i = 0; i < hb->nspare; i++)
        free(hb->spare[i]);
    free(hb->spare);
    free(r->vc);
    free(hb);
    r->hb = NULL;
    r->vc = NULL;
}

void knot__hb_free(knot__replay *r) {
    knot__replay view = nolock_view(r);
    model_free(&view);
    r->hb_nolock = NULL;
    r->vc_nolock = NULL;
    view = unpaired_view(r);
    model_free(&view);
    r->hb_unpaired = NULL;
    r->vc_unpaired = NULL;
    model_free(r);
}

/* ---- sends waiting for their receive ---- */

static size_t slot_of(const struct knot__replay_hb *hb, long long seq) {
    return (size_t)((unsigned long long)seq * 0x9E3779B97F4A7C15ull >> 20) & (hb->cap - 1);
}

static void sends_put(struct knot__replay_hb *hb, long long seq, int task, knot__vc_t *vc);

static void sends_grow(struct knot__replay_hb *hb) {
    pending_send *old = hb->sends;
    size_t oldcap = hb->cap;
    hb->cap = oldcap ? oldcap * 2 : 256;
    hb->sends = knot__xcalloc(hb->cap, sizeof *hb->sends);
    hb->count = 0;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].seq)
            sends_put(hb, old[i].seq, old[i].task, old[i].vc);
    free(old);
}

static void sends_put(struct knot__replay_hb *hb, long long seq, int task, knot__vc_t *vc) {
    if ((hb->count + 1) * 2 > hb->cap)
        sends_grow(hb);
    size_t i = slot_of(hb, seq);
    while (hb->sends[i].seq)
        i = (i + 1) & (hb->cap - 1);
    hb->sends[i] = (pending_send){seq, task, vc};
    hb->count++;
}

/* Remove and return the send with this seq (vc NULL when absent). */
static pending_send sends_take(struct knot__replay_hb *hb, long long seq) {
    pending_send none = {0, 0, NULL};
    if (!hb->cap)
        return none;
    size_t i = slot_of(hb, seq);
    while (hb->sends[i].seq && hb->sends[i].seq != seq)
        i = (i + 1) & (hb->cap - 1);
    if (!hb->sends[i].seq)
        return none;
    pending_send found = hb->sends[i];
    hb->sends[i] = (pending_send){0, 0, NULL};
    hb->count--;
    /* Backward-shift the cluster after the hole so lookups stay correct. */
    for (size_t j = (i + 1) & (hb->cap - 1); hb->sends[j].seq; j = (j + 1) & (hb->cap - 1)) {
        pending_send moved = hb->sends[j];
        hb->sends[j] = (pending_send){0, 0, NULL};
        hb->count--;
        sends_put(hb, moved.seq, moved.task, moved.vc);
    }
    return found;
}

/* ---- edges ---- */

static void tell(const knot__replay *r, long long from, const knot__event *to,
                 enum knot__hb_edge_kind kind) {
    if (r->hb->on_edge && from > 0)
        r->hb->on_edge(r->hb->edge_ctx, &(knot__hb_edge){from, to->seq, kind});
}

static obj_hb *obj(knot__replay *r, long long id) {
    struct knot__replay_hb *hb = r->hb;
    hb->objs = knot__xgrow(hb->objs, &hb->nobjs, (size_t)id + 1, sizeof *hb->objs);
    return &hb->objs[id];
}

static size_t capacity(const knot__replay *r, long long id) {
    long long c = r->objects[id].capacity;
    return c > 0 ? (size_t)c : 0;
}

static void sent(knot__replay *r, const knot__event *e) {
    struct knot__replay_hb *hb = r->hb;
    obj_hb *o = obj(r, e->object);
    size_t cap = capacity(r, e->object);
    knot__vc_t *me = r->vc[e->task];
    if (unpaired(hb, e->object))
        return; /* its receive could have taken another sender's value */
    /* The runtime (task 0) sends on every timer: it must not carry one
     * task's past to another through them, so it joins nothing. */
    if (cap > 0 && o->ring && e->task != 0) {
        unsigned long long k = o->nsend;
        if (k >= cap && o->ring[(k - cap) % cap]) {
            knot__vc_join(me, o->ring[(k - cap) % cap], hb->n);
            tell(r, o->ring_seq[(k - cap) % cap], e, KNOT_HB_ROOM);
        }
    }
    o->nsend++;
    sends_put(hb, e->seq, e->task, vc_copy(hb, me));
}

static void received(knot__replay *r, const knot__event *e) {
    struct knot__replay_hb *hb = r->hb;
    obj_hb *o = obj(r, e->object);
    knot__vc_t *me = r->vc[e->task];
    if (!e->has_matched)
        return;
    if (o->close && e->matched == o->close_seq) {
        knot__vc_join(me, o->close, hb->n);
        tell(r, o->close_seq, e, KNOT_HB_CLOSE);
        return;
    }
    if (unpaired(hb, e->object))
        return;
    pending_send s = sends_take(hb, e->matched);
    if (!s.vc)
        return;
    knot__vc_join(me, s.vc, hb->n);
    vc_release(hb, s.vc);
    tell(r, s.seq, e, KNOT_HB_VALUE);
    size_t cap = capacity(r, e->object);
    if (cap > MAX_RING) /* a huge buffer: its receive-to-send edges are not kept */
        return;
    if (cap == 0) {
        /* The sender completes after this receive: its next event sees it. */
        if (s.task < 0 || (size_t)s.task >= hb->n)
            return;
        if (!hb->deferred[s.task])
            hb->deferred[s.task] = vc_copy(hb, me);
        else
            knot__vc_join(hb->deferred[s.task], me, hb->n);
        hb->deferred_seq[s.task] = e->seq; /* of several, the edge is told from the last */
        return;
    }
    if (!o->ring) {
        o->ring = knot__xcalloc(cap, sizeof *o->ring);
        o->ring_seq = knot__xcalloc(cap, sizeof *o->ring_seq);
        o->nring = cap;
    }
    knot__vc_t **slot = &o->ring[o->nrecv % cap];
    vc_release(hb, *slot);
    *slot = vc_copy(hb, me);
    o->ring_seq[o->nrecv % cap] = e->seq;
    o->nrecv++;
}

static void joined(knot__replay *r, const knot__event *e) {
    struct knot__replay_hb *hb = r->hb;
    if (!e->has_matched)
        return;
    end_entry key = {e->matched, 0};
    end_entry *hit = bsearch(&key, hb->ends, hb->nends, sizeof key, end_cmp);
    if (hit && hb->end[hit->task]) {
        knot__vc_join(r->vc[e->task], hb->end[hit->task], hb->n);
        tell(r, e->matched, e, KNOT_HB_JOIN);
    }
}

static void acquire(knot__replay *r, const knot__event *e, const releases *from,
                    enum knot__hb_edge_kind kind) {
    if (!from->vc)
        return;
    knot__vc_join(r->vc[e->task], from->vc, r->hb->n);
    for (size_t i = 0; i < from->nlast; i++)
        tell(r, from->last[i].seq, e, kind);
}

static void release(knot__replay *r, const knot__event *e, releases *into) {
    const knot__vc_t *me = r->vc[e->task];
    knot__vc_join_into(&into->vc, me, r->hb->n);
    if (!r->hb->on_edge)
        return;
    /* The releases this one follows are ordered before it: an acquire's
     * edge from this one says it for them. */
    size_t k = 0;
    for (size_t i = 0; i < into->nlast; i++) {
        const last_release *l = &into->last[i];
        if ((size_t)l->task >= r->hb->n || me[l->task] < l->clock)
            into->last[k++] = *l;
    }
    into->nlast = k;
    into->last = knot__xgrow(into->last, &into->cap, k + 1, sizeof *into->last);
    into->last[into->nlast++] = (last_release){e->task, e->clock, e->seq};
}

static bool completed(const knot__event *e) { return knot__lock_taken(e); }

static void lock_edges(knot__replay *r, const knot__event *e) {
    struct knot__replay_hb *hb = r->hb;
    if (!hb->with_locks && hb->nested && (size_t)e->object < hb->nnested && hb->nested[e->object])
        return;
    obj_hb *o = obj(r, e->object);
    switch (e->kind) {
    case KNOT_EV_MUTEX_LOCK:
    case KNOT_EV_MUTEX_TRYLOCK:
    case KNOT_EV_MUTEX_TIMEDLOCK:
    case KNOT_EV_RW_WRLOCK:
        if (completed(e))
            acquire(r, e, &o->release, KNOT_HB_UNLOCK);
        break;
    case KNOT_EV_RW_RDLOCK:
        if (completed(e))
            acquire(r, e, &o->wr_release, KNOT_HB_UNLOCK);
        break;
    case KNOT_EV_MUTEX_UNLOCK:
        release(r, e, &o->release);
        break;
    case KNOT_EV_RW_UNLOCK:
        release(r, e, &o->release);
        if (r->objects[e->object].holder == e->task)
            release(r, e, &o->wr_release);
        break;
    default:
        break;
    }
}

/* Releases joined into the object's clock, acquires that read it. */
static void signal_edges(knot__replay *r, const knot__event *e) {
    obj_hb *o = obj(r, e->object);
    switch (e->kind) {
    case KNOT_EV_COND_SIGNAL:
    case KNOT_EV_COND_BROADCAST:
    case KNOT_EV_SEM_POST:
    case KNOT_EV_WG_ADD:
        release(r, e, &o->release);
        break;
    case KNOT_EV_BARRIER_WAIT:
        if (e->phase == KNOT_BEGIN || e->phase == KNOT_POINT)
            release(r, e, &o->release);
        if (e->phase != KNOT_BEGIN)
            acquire(r, e, &o->release, KNOT_HB_RELEASE);
        break;
    case KNOT_EV_COND_WAIT:
    case KNOT_EV_SEM_WAIT:
    case KNOT_EV_SEM_TRYWAIT:
    case KNOT_EV_SEM_TIMEDWAIT:
    case KNOT_EV_WG_WAIT:
        if (e->phase != KNOT_BEGIN)
            acquire(r, e, &o->release, KNOT_HB_RELEASE);
        break;
    default:
        lock_edges(r, e);
        break;
    }
}

static void task_edges(knot__replay *r, knot__event *e) {
    struct knot__replay_hb *hb = r->hb;
    switch (e->kind) {
    case KNOT_EV_GO:
        if (e->has_value && e->value > 0 && (size_t)e->value < hb->n) {
            knot__vc_join_into(&hb->spawn[e->value], r->vc[e->task], hb->n);
            hb->spawn_seq[e->value] = e->seq;
        }
        break;
    case KNOT_EV_TASK_START:
        if (hb->spawn[e->task]) {
            knot__vc_join(r->vc[e->task], hb->spawn[e->task], hb->n);
            tell(r, hb->spawn_seq[e->task], e, KNOT_HB_SPAWN);
        }
        vc_release(hb, hb->spawn[e->task]);
        hb->spawn[e->task] = NULL;
        break;
    case KNOT_EV_TASK_END:
        if (hb->joined[e->task])
            knot__vc_join_into(&hb->end[e->task], r->vc[e->task], hb->n);
        vc_release(hb, r->vc[e->task]);
        r->vc[e->task] = NULL;
        break;
    case KNOT_EV_THREAD_JOIN:
        if (e->phase != KNOT_BEGIN)
            joined(r, e);
        break;
    default:
        break;
    }
}

static void model_event(knot__replay *r, knot__event *e) {
    struct knot__replay_hb *hb = r->hb;
    if (!r->vc[e->task])
        r->vc[e->task] = knot__vc_new(hb->n);
    knot__vc_t *me = r->vc[e->task];
    if (hb->deferred[e->task]) {
        knot__vc_join(me, hb->deferred[e->task], hb->n);
        tell(r, hb->deferred_seq[e->task], e, KNOT_HB_RECEIVED);
        vc_release(hb, hb->deferred[e->task]);
        hb->deferred[e->task] = NULL;
    }
    e->clock = ++me[e->task];

    if (knot__event_is_send(e)) {
        /* A send that panicked (the channel was closed) delivered nothing. */
        bool panicked =
            e->kind == KNOT_EV_CHAN_SEND && ((e->has_result && e->result == 1) || e->has_matched);
        if (!panicked)
            sent(r, e);
        return;
    }
    if (knot__event_is_recv(e)) {
        received(r, e);
        return;
    }
    if (e->kind == KNOT_EV_CHAN_CLOSE) {
        obj_hb *o = obj(r, e->object);
        if (!o->close) {
            o->close = knot__vc_dup(me, hb->n);
            o->close_seq = e->seq;
        }
        return;
    }
    if (e->object > 0)
        signal_edges(r, e);
    task_edges(r, e);
}

void knot__hb_event(knot__replay *r, knot__event *e) {
    follow_nesting(r->hb_nolock, e);
    knot__replay view = nolock_view(r);
    knot__event copy = *e;
    model_event(&view, &copy);
    if (r->hb_unpaired) {
        view = unpaired_view(r);
        copy = *e;
        model_event(&view, &copy);
    }
    model_event(r, e);
}
