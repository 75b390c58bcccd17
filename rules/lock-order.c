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
#include "../analyzer/scc.h"

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
#define MAX_INSTANCES 8 /* (task, gates) samples kept per edge */
#define MAX_CYCLE     6 /* longest cycle searched */

typedef struct held {
    long long lock, site;
    int depth; /* a recursive mutex is released at its last unlock */
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
        /* Per (task, gates), the first sample and the latest: an early one
         * may be ordered by happens-before where a later one is not. */
        int seen = 0, last = -1;
        for (int i = 0; i < ed->ninst; i++)
            if (ed->inst[i].task == e->task && same_gates(&ed->inst[i], gates, ng)) {
                seen++;
                last = i;
            }
        instance *in;
        if (seen >= 2) {
            in = &ed->inst[last];
            free(in->from_vc);
        } else if (ed->ninst < MAX_INSTANCES) {
            in = &ed->inst[ed->ninst++];
        } else {
            continue;
        }
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
    for (size_t i = 0; i < tl->n; i++)
        if (tl->v[i].lock == e->object) {
            tl->v[i].depth++; /* a recursive relock adds no order */
            return;
        }
    if (is_blocking_lock(e->kind))
        add_edges(s, r, tl, e);
    if (tl->n == tl->cap) {
        tl->cap = tl->cap ? tl->cap * 2 : 4;
        tl->v = realloc(tl->v, tl->cap * sizeof *tl->v);
        if (!tl->v)
            abort();
    }
    tl->v[tl->n++] =
        (held){e->object, e->site, 1, e->clock, knot_vc_dup(r->vc_nolock[e->task], r->ntasks)};
}

static void released(state *s, const knot_event *e) {
    task_locks *tl = &s->tasks[e->task];
    for (size_t i = tl->n; i-- > 0;)
        if (tl->v[i].lock == e->object) {
            if (--tl->v[i].depth > 0)
                return;
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
    bool ok = knot_lock_taken(e);
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

/* The lock-order graph as adjacency lists over the locks that appear in it,
 * with each lock's strongly connected component: only locks of a component
 * of two or more can be on a cycle, so the search stays inside those. */
typedef struct graph {
    long long *locks; /* sorted ids */
    size_t n;
    size_t *first, *adj; /* adj[first[i] .. first[i+1]): edges out of lock i */
    const edge *edges;
    int *scc, *scc_size;
} graph;

static int cmp_ll(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static size_t index_of(const graph *g, long long lock) {
    const long long *hit = bsearch(&lock, g->locks, g->n, sizeof *g->locks, cmp_ll);
    return (size_t)(hit - g->locks);
}

static size_t lock_degree(void *ctx, size_t v) {
    const graph *g = ctx;
    return g->first[v + 1] - g->first[v];
}

static size_t lock_succ(void *ctx, size_t v, size_t k) {
    const graph *g = ctx;
    return index_of(g, g->edges[g->adj[g->first[v] + k]].to);
}

static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size);
    if (!p)
        abort();
    return p;
}

static void graph_build(const state *s, graph *g) {
    g->locks = xcalloc(2 * s->nedges, sizeof *g->locks);
    for (size_t i = 0; i < s->nedges; i++) {
        g->locks[g->n++] = s->edges[i].from;
        g->locks[g->n++] = s->edges[i].to;
    }
    qsort(g->locks, g->n, sizeof *g->locks, cmp_ll);
    size_t u = 0;
    for (size_t i = 0; i < g->n; i++)
        if (i == 0 || g->locks[i] != g->locks[u - 1])
            g->locks[u++] = g->locks[i];
    g->n = u;
    g->first = xcalloc(g->n + 1, sizeof *g->first);
    g->adj = xcalloc(s->nedges, sizeof *g->adj);
    for (size_t i = 0; i < s->nedges; i++)
        g->first[index_of(g, s->edges[i].from) + 1]++;
    for (size_t i = 0; i < g->n; i++)
        g->first[i + 1] += g->first[i];
    size_t *fill = xcalloc(g->n, sizeof *fill);
    for (size_t i = 0; i < s->nedges; i++) {
        size_t f = index_of(g, s->edges[i].from);
        g->adj[g->first[f] + fill[f]++] = i;
    }
    free(fill);
    g->scc = xcalloc(g->n, sizeof *g->scc);
    g->scc_size = xcalloc(g->n, sizeof *g->scc_size);
    g->edges = s->edges;
    knot_graph_view view = {g->n, NULL, g, lock_degree, lock_succ};
    knot_scc(&view, g->scc, g->scc_size);
}

static void graph_free(graph *g) {
    free(g->locks);
    free(g->first);
    free(g->adj);
    free(g->scc);
    free(g->scc_size);
}

/* Past this many steps in one component the search gives up: a tangle that
 * large is reported by the cycles already found, not enumerated. */
#define SEARCH_BUDGET 200000

typedef struct search {
    state *s;
    const knot_replay *r;
    const graph *g;
    long budget;
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
    if (q->found || q->depth >= MAX_CYCLE || --q->budget < 0)
        return;
    const graph *g = q->g;
    size_t v = index_of(g, lock);
    int component = g->scc[index_of(g, q->start)];
    for (size_t k = g->first[v]; k < g->first[v + 1] && !q->found; k++) {
        const edge *ed = &q->s->edges[g->adj[k]];
        if (ed->to < q->start || g->scc[index_of(g, ed->to)] != component)
            continue; /* each cycle is found from its smallest lock, inside one component */
        q->edges[q->depth] = ed;
        if (ed->to == q->start) {
            if (q->depth >= 1 && pick(q, 0, q->depth + 1)) {
                report(q, q->depth + 1);
                q->found = true;
            }
            continue;
        }
        bool on_path = false;
        for (int d = 0; d <= q->depth; d++)
            on_path |= q->path[d] == ed->to;
        if (on_path)
            continue;
        q->path[++q->depth] = ed->to;
        dfs(q, ed->to);
        q->depth--;
    }
}

static void finish(void *st, const knot_replay *r, knot_findings *out) {
    state *s = st;
    if (out && s->nedges) {
        graph g = {0};
        graph_build(s, &g);
        /* One report per smallest lock keeps a tangle of cycles readable. */
        for (size_t v = 0; v < g.n; v++) {
            if (g.scc_size[g.scc[v]] < 2)
                continue;
            search q = {.s = s, .r = r, .g = &g, .budget = SEARCH_BUDGET, .start = g.locks[v]};
            q.path[0] = g.locks[v];
            dfs(&q, g.locks[v]);
        }
        graph_free(&g);
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
