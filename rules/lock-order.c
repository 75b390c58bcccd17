/* Rule `lock-order`: locks taken in inconsistent orders by concurrent tasks,
 * a deadlock waiting for the wrong schedule — found whether or not this run
 * deadlocked. Each acquisition of L while holding H adds an edge H → L to the
 * lock-order graph; a cycle is reported only when it could really close, the
 * goodlock way:
 *   - its edges come from different tasks (one task cannot wait on itself);
 *   - no lock is held across two of its edges (a gate lock serialises them);
 *   - no two of its edges are ordered by happens-before other than through
 *     the locks themselves (create/join, channels, wait groups).
 * ThreadSanitizer and Helgrind report the gate-lock case; this rule does not.
 * Only blocking acquisitions close a cycle: a trylock or timed lock gives up. */
#include "../analyzer/replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const knot_rule knot_rule_lock_order = {
    .id = "lock-order",
    .kind = KNOT_RULE_DYNAMIC,
    .severity = KNOT_WARNING,
    .summary = "locks taken in inconsistent orders by concurrent tasks: a potential deadlock",
};

#define MAX_GATES     4 /* other locks remembered as held across an edge */
#define MAX_INSTANCES 4 /* distinct (task, gates) samples kept per edge */
#define MAX_CYCLE     6 /* longest cycle searched */

typedef struct held {
    long long lock, site;
    knot_vc_t clock;
    knot_vc_t *vc; /* the task's clock without lock edges when it took the lock */
} held;

typedef struct instance {
    int task;
    long long from_site, to_site, to_seq;
    knot_vc_t from_clock, to_clock;
    knot_vc_t *from_vc;
    long long gates[MAX_GATES];
    int ngates;
} instance;

typedef struct edge {
    long long from, to;
    instance inst[MAX_INSTANCES];
    int ninst;
} edge;

typedef struct task_locks {
    held *v;
    size_t n, cap;
} task_locks;

typedef struct state {
    knot_findings *out;
    task_locks *tasks; /* by task id */
    size_t ntasks;
    edge *edges;
    size_t nedges, capedges;
} state;

static void *start(const knot_replay *r, knot_findings *out) {
    state *s = knot_rule_state_new(sizeof(state), out);
    s->ntasks = r->ntasks;
    s->tasks = calloc(r->ntasks ? r->ntasks : 1, sizeof *s->tasks);
    if (!s->tasks)
        abort();
    return s;
}

static bool is_blocking_lock(enum knot_ev k) {
    return k == KNOT_EV_MUTEX_LOCK || k == KNOT_EV_RW_WRLOCK;
}

static bool holds(const task_locks *tl, long long lock) {
    for (size_t i = 0; i < tl->n; i++)
        if (tl->v[i].lock == lock)
            return true;
    return false;
}

static edge *edge_of(state *s, long long from, long long to) {
    for (size_t i = 0; i < s->nedges; i++)
        if (s->edges[i].from == from && s->edges[i].to == to)
            return &s->edges[i];
    if (s->nedges == s->capedges) {
        s->capedges = s->capedges ? s->capedges * 2 : 32;
        s->edges = realloc(s->edges, s->capedges * sizeof *s->edges);
        if (!s->edges)
            abort();
    }
    edge *e = &s->edges[s->nedges++];
    memset(e, 0, sizeof *e);
    e->from = from;
    e->to = to;
    return e;
}

static bool same_gates(const instance *a, const long long *gates, int n) {
    if (a->ngates != n)
        return false;
    for (int i = 0; i < n; i++)
        if (a->gates[i] != gates[i])
            return false;
    return true;
}

/* Record H → L for every lock H the task holds while taking L. */
static void add_edges(state *s, const knot_replay *r, const task_locks *tl, const knot_event *e) {
    for (size_t h = 0; h < tl->n; h++) {
        long long gates[MAX_GATES];
        int ng = 0;
        for (size_t g = 0; g < tl->n && ng < MAX_GATES; g++)
            if (g != h)
                gates[ng++] = tl->v[g].lock;
        edge *ed = edge_of(s, tl->v[h].lock, e->object);
        bool seen = false;
        for (int i = 0; i < ed->ninst && !seen; i++)
            seen = ed->inst[i].task == e->task && same_gates(&ed->inst[i], gates, ng);
        if (seen || ed->ninst == MAX_INSTANCES)
            continue;
        instance *in = &ed->inst[ed->ninst++];
        *in = (instance){.task = e->task,
                         .from_site = tl->v[h].site,
                         .to_site = e->site,
                         .to_seq = e->seq,
                         .from_clock = tl->v[h].clock,
                         .to_clock = e->clock,
                         .from_vc = knot_vc_dup(tl->v[h].vc, r->ntasks),
                         .ngates = ng};
        memcpy(in->gates, gates, (size_t)ng * sizeof *gates);
    }
}

static void acquired(state *s, const knot_replay *r, const knot_event *e) {
    task_locks *tl = &s->tasks[e->task];
    if (holds(tl, e->object))
        return; /* a recursive relock adds no order */
    if (is_blocking_lock(e->kind))
        add_edges(s, r, tl, e);
    if (tl->n == tl->cap) {
        tl->cap = tl->cap ? tl->cap * 2 : 4;
        tl->v = realloc(tl->v, tl->cap * sizeof *tl->v);
        if (!tl->v)
            abort();
    }
    tl->v[tl->n++] =
        (held){e->object, e->site, e->clock, knot_vc_dup(r->vc_nolock[e->task], r->ntasks)};
}

static void released(state *s, const knot_event *e) {
    task_locks *tl = &s->tasks[e->task];
    for (size_t i = tl->n; i-- > 0;)
        if (tl->v[i].lock == e->object) {
            free(tl->v[i].vc);
            memmove(&tl->v[i], &tl->v[i + 1], (tl->n - i - 1) * sizeof *tl->v);
            tl->n--;
            return;
        }
}

static void event(void *st, const knot_replay *r, const knot_event *e) {
    state *s = st;
    if (e->object <= 0 || e->phase == KNOT_BEGIN || (size_t)e->task >= s->ntasks)
        return;
    bool ok = !e->has_result || e->result == 0;
    switch (e->kind) {
    case KNOT_EV_MUTEX_LOCK:
    case KNOT_EV_MUTEX_TRYLOCK:
    case KNOT_EV_MUTEX_TIMEDLOCK:
    case KNOT_EV_RW_WRLOCK:
        if (ok)
            acquired(s, r, e);
        break;
    case KNOT_EV_MUTEX_UNLOCK:
    case KNOT_EV_RW_UNLOCK:
        if (ok)
            released(s, e);
        break;
    default:
        break;
    }
}

/* ---- cycles ---- */

/* Can instances a and b be in place at once? */
static bool compatible(const knot_replay *r, const instance *a, const instance *b) {
    if (a->task == b->task)
        return false;
    for (int i = 0; i < a->ngates; i++)
        for (int k = 0; k < b->ngates; k++)
            if (a->gates[i] == b->gates[k])
                return false; /* a common gate lock */
    (void)r;
    /* a's second acquisition ordered before b's first (or the reverse):
     * a finished its segment before b began, in every schedule. */
    return a->to_clock > b->from_vc[a->task] && b->to_clock > a->from_vc[b->task];
}

typedef struct search {
    state *s;
    const knot_replay *r;
    long long start;
    long long path[MAX_CYCLE];    /* locks */
    const edge *edges[MAX_CYCLE]; /* edges[i]: path[i] → path[i+1] */
    const instance *chosen[MAX_CYCLE];
    int depth;
    bool found;
} search;

static bool pick(search *q, int i, int len) {
    if (i == len)
        return true;
    const edge *ed = q->edges[i];
    for (int k = 0; k < ed->ninst; k++) {
        bool ok = true;
        for (int j = 0; j < i && ok; j++)
            ok = compatible(q->r, &ed->inst[k], q->chosen[j]);
        if (!ok)
            continue;
        q->chosen[i] = &ed->inst[k];
        if (pick(q, i + 1, len))
            return true;
    }
    return false;
}

static void report(search *q, int len) {
    int last = 0;
    for (int i = 1; i < len; i++)
        if (q->chosen[i]->to_seq > q->chosen[last]->to_seq)
            last = i;
    const instance *closing = q->chosen[last];
    char locks[512] = "";
    size_t n = 0;
    for (int i = 0; i < len && n + 64 < sizeof locks; i++) {
        char d[320];
        knot_replay_describe(q->r, q->path[i], d, sizeof d);
        n += (size_t)snprintf(locks + n, sizeof locks - n, "%s%s", i ? " -> " : "", d);
    }
    char first[320];
    knot_replay_describe(q->r, q->path[0], first, sizeof first);
    knot_finding *f = knot_findings_add(
        q->s->out, knot_rule_lock_order.id, KNOT_WARNING, true,
        knot_replay_loc(q->r, closing->to_site),
        "lock-order inversion: %d tasks take %s -> %s in opposite orders; another schedule "
        "deadlocks",
        len, locks, first);
    f->seq = closing->to_seq;
    for (int i = 0; i < len; i++) {
        const instance *in = q->chosen[(last + 1 + i) % len];
        int e = (last + 1 + i) % len;
        char a[320], b[320];
        knot_replay_describe(q->r, q->edges[e]->from, a, sizeof a);
        knot_replay_describe(q->r, q->edges[e]->to, b, sizeof b);
        knot_finding_relate(f, knot_replay_loc(q->r, in->from_site), "task %d takes %s here",
                            in->task, a);
        if (in != closing)
            knot_finding_relate(f, knot_replay_loc(q->r, in->to_site),
                                "... and then %s here, still holding it", b);
        knot_replay_add_task(q->r, f, in->task);
    }
}

static void dfs(search *q, long long lock) {
    if (q->found || q->depth >= MAX_CYCLE)
        return;
    for (size_t i = 0; i < q->s->nedges && !q->found; i++) {
        const edge *ed = &q->s->edges[i];
        if (ed->from != lock || ed->to < q->start)
            continue; /* each cycle is found from its smallest lock */
        q->edges[q->depth] = ed;
        if (ed->to == q->start) {
            if (q->depth >= 1 && pick(q, 0, q->depth + 1)) {
                report(q, q->depth + 1);
                q->found = true;
            }
            continue;
        }
        bool on_path = false;
        for (int k = 0; k <= q->depth; k++)
            on_path |= q->path[k] == ed->to;
        if (on_path)
            continue;
        q->path[++q->depth] = ed->to;
        dfs(q, ed->to);
        q->depth--;
    }
}

static void finish(void *st, const knot_replay *r, knot_findings *out) {
    state *s = st;
    if (out) {
        /* One report per smallest lock keeps a tangle of cycles readable. */
        for (size_t i = 0; i < s->nedges; i++) {
            long long lock = s->edges[i].from;
            bool first = true;
            for (size_t k = 0; k < i; k++)
                first &= s->edges[k].from != lock;
            if (!first)
                continue;
            search q = {.s = s, .r = r, .start = lock, .depth = 0};
            q.path[0] = lock;
            dfs(&q, lock);
        }
    }
    for (size_t t = 0; t < s->ntasks; t++) {
        for (size_t i = 0; i < s->tasks[t].n; i++)
            free(s->tasks[t].v[i].vc);
        free(s->tasks[t].v);
    }
    for (size_t i = 0; i < s->nedges; i++)
        for (int k = 0; k < s->edges[i].ninst; k++)
            free(s->edges[i].inst[k].from_vc);
    free(s->tasks);
    free(s->edges);
    free(s);
}

const knot_dynamic_check knot_check_lock_order = {&knot_rule_lock_order, start, event, finish};
