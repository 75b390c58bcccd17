/* Rules `lock-order` and `lock-order-latent`: locks taken in inconsistent
 * orders — found whether or not this run deadlocked. Each acquisition of L
 * while holding H adds an edge H → L to the lock-order graph. A cycle is
 * reported as `lock-order` only when it could really close, the goodlock way:
 *   - its edges come from different tasks (one task cannot wait on itself);
 *   - no lock is held across two of its edges (a gate lock serialises them);
 *   - no two of its edges are ordered by happens-before other than through
 *     the locks themselves (create/join, channels, wait groups).
 * A cycle that fails only the first or the last test is what lockdep
 * reports: this run's ordering kept the paths apart, but the two code paths
 * deadlock if they ever run at once. It is reported as `lock-order-latent`,
 * a note. A gate lock keeps both silent (ThreadSanitizer and Helgrind report
 * that case; these rules do not).
 * Only blocking acquisitions close a cycle: a trylock or timed lock gives up. */
#include "replay-scc.h"
#include "replay.h"
#include "util-xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_GATES     4 /* other locks remembered as held across an edge */
#define MAX_INSTANCES 8 /* (task, gates) samples kept per edge */
#define MAX_CYCLE     6 /* longest cycle searched */

typedef struct held {
    long long lock, site;
    int depth; /* a recursive mutex is released at its last unlock */
    knot__vc_t clock;
    knot__vc_t *vc; /* the task's clock without lock edges when it took the lock */
} held;

typedef struct instance {
    int task;
    long long from_site, to_site, to_seq;
    knot__vc_t from_clock, to_clock;
    knot__vc_t *from_vc;
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
    knot__findings *out;
    task_locks *tasks; /* by task id */
    size_t ntasks;
    edge *edges;
    size_t nedges, capedges;
    size_t *slots; /* open addressing on (from, to): edge index + 1, 0 empty */
    size_t nslots;
} state;

static void *start(const knot__replay *r, knot__findings *out) {
    state *s = knot__rule_state_new(sizeof(state), out);
    s->ntasks = r->ntasks;
    s->tasks = knot__xcalloc(r->ntasks ? r->ntasks : 1, sizeof *s->tasks);
    return s;
}

static bool is_blocking_lock(enum knot__ev k) {
    return k == KNOT_EV_MUTEX_LOCK || k == KNOT_EV_RW_WRLOCK;
}

static size_t edge_hash(long long from, long long to, size_t nslots) {
    unsigned long long h = (unsigned long long)from * 0x9E3779B97F4A7C15ULL;
    h ^= (unsigned long long)to + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
    return (size_t)(h * 0xBF58476D1CE4E5B9ULL >> 17) & (nslots - 1);
}

/* The slot of edge from → to: its own, or the empty one it would take. */
static size_t *edge_slot(const state *s, long long from, long long to) {
    size_t i = edge_hash(from, to, s->nslots);
    while (s->slots[i] &&
           (s->edges[s->slots[i] - 1].from != from || s->edges[s->slots[i] - 1].to != to))
        i = (i + 1) & (s->nslots - 1);
    return &s->slots[i];
}

/* The edge from → to, or NULL. */
static const edge *edge_find(const state *s, long long from, long long to) {
    if (!s->nslots)
        return NULL;
    size_t slot = *edge_slot(s, from, to);
    return slot ? &s->edges[slot - 1] : NULL;
}

static void rehash(state *s) {
    size_t n = s->nslots ? s->nslots * 2 : 64;
    free(s->slots);
    s->slots = knot__xcalloc(n, sizeof *s->slots);
    s->nslots = n;
    for (size_t i = 0; i < s->nedges; i++)
        *edge_slot(s, s->edges[i].from, s->edges[i].to) = i + 1;
}

/* The edge from → to, made on first use: a lookup is constant time however
 * many locks are nested. */
static edge *edge_of(state *s, long long from, long long to) {
    if (s->nslots) {
        size_t slot = *edge_slot(s, from, to);
        if (slot)
            return &s->edges[slot - 1];
    }
    s->edges = knot__xgrow(s->edges, &s->capedges, s->nedges + 1, sizeof *s->edges);
    if (2 * (s->nedges + 1) > s->nslots)
        rehash(s);
    edge *e = &s->edges[s->nedges++];
    memset(e, 0, sizeof *e);
    e->from = from;
    e->to = to;
    *edge_slot(s, from, to) = s->nedges;
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
static void add_edges(state *s, const knot__replay *r, const task_locks *tl, const knot__event *e) {
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
                         .from_vc = knot__vc_dup(tl->v[h].vc, r->ntasks),
                         .ngates = ng};
        memcpy(in->gates, gates, (size_t)ng * sizeof *gates);
    }
}

static void acquired(state *s, const knot__replay *r, const knot__event *e) {
    task_locks *tl = &s->tasks[e->task];
    for (size_t i = 0; i < tl->n; i++)
        if (tl->v[i].lock == e->object) {
            tl->v[i].depth++; /* a recursive relock adds no order */
            return;
        }
    if (is_blocking_lock(e->kind))
        add_edges(s, r, tl, e);
    tl->v = knot__xgrow(tl->v, &tl->cap, tl->n + 1, sizeof *tl->v);
    tl->v[tl->n++] =
        (held){e->object, e->site, 1, e->clock, knot__vc_dup(r->vc_nolock[e->task], r->ntasks)};
}

static void released(state *s, const knot__event *e) {
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

static void event(void *st, const knot__replay *r, const knot__event *e) {
    state *s = st;
    if (e->object <= 0 || e->phase == KNOT_BEGIN || (size_t)e->task >= s->ntasks)
        return;
    bool ok = knot__lock_taken(e);
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

/* Do instances a and b share a gate lock (one held across both)? */
static bool common_gate(const instance *a, const instance *b) {
    for (int i = 0; i < a->ngates; i++)
        for (int k = 0; k < b->ngates; k++)
            if (a->gates[i] == b->gates[k])
                return true;
    return false;
}

/* Can instances a and b be in place at once, in some schedule of this
 * program? */
static bool compatible(const instance *a, const instance *b) {
    if (a->task == b->task || common_gate(a, b))
        return false;
    /* a's second acquisition ordered before b's first (or the reverse):
     * a finished its segment before b began, in every schedule. */
    return a->to_clock > b->from_vc[a->task] && b->to_clock > a->from_vc[b->task];
}

/* Could they be, if the two paths ever ran at once (lockdep's view)? Only
 * a gate lock keeps them apart whatever calls the paths. */
static bool latent_compatible(const instance *a, const instance *b) { return !common_gate(a, b); }

/* The lock-order graph as adjacency lists over the locks that appear in it,
 * with each lock's strongly connected component: only locks of a component
 * of two or more can be on a cycle, so the search stays inside those. */
typedef struct graph {
    long long *locks; /* sorted ids */
    size_t n;
    size_t *first, *adj; /* adj[first[i] .. first[i+1]): edges out of lock i */
    size_t *adj_to;      /* the lock each of those edges goes to */
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
    return g->adj_to[g->first[v] + k];
}

static void graph_build(const state *s, graph *g) {
    g->locks = knot__xcalloc(2 * s->nedges, sizeof *g->locks);
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
    g->first = knot__xcalloc(g->n + 1, sizeof *g->first);
    g->adj = knot__xcalloc(s->nedges, sizeof *g->adj);
    g->adj_to = knot__xcalloc(s->nedges, sizeof *g->adj_to);
    for (size_t i = 0; i < s->nedges; i++)
        g->first[index_of(g, s->edges[i].from) + 1]++;
    for (size_t i = 0; i < g->n; i++)
        g->first[i + 1] += g->first[i];
    size_t *fill = knot__xcalloc(g->n, sizeof *fill);
    for (size_t i = 0; i < s->nedges; i++) {
        size_t f = index_of(g, s->edges[i].from);
        g->adj_to[g->first[f] + fill[f]] = index_of(g, s->edges[i].to);
        g->adj[g->first[f] + fill[f]++] = i;
    }
    free(fill);
    g->scc = knot__xcalloc(g->n, sizeof *g->scc);
    g->scc_size = knot__xcalloc(g->n, sizeof *g->scc_size);
    g->edges = s->edges;
    knot__graph_view view = {g->n, NULL, g, lock_degree, lock_succ};
    knot__scc(&view, g->scc, g->scc_size);
}

static void graph_free(graph *g) {
    free(g->locks);
    free(g->first);
    free(g->adj);
    free(g->adj_to);
    free(g->scc);
    free(g->scc_size);
}

/* Past this many edges looked at from one lock, or from all of them, the
 * search gives up: a tangle that large is reported by the cycles already
 * found, not enumerated. Shorter cycles are searched first. */
#define SEARCH_BUDGET 20000
#define TOTAL_BUDGET  4000000

/* A cycle: path[i] → path[i+1 mod len] by edges[i], using sample chosen[i]. */
typedef struct cycle {
    int len;
    long long path[MAX_CYCLE];
    const edge *edges[MAX_CYCLE];
    const instance *chosen[MAX_CYCLE];
} cycle;

typedef struct search {
    state *s;
    const knot__replay *r;
    const graph *g;
    long budget, *total;
    size_t start; /* the cycle's smallest lock, an index into g->locks */
    int maxlen;   /* the length searched in this round */
    cycle c;
    bool found;  /* a reachable cycle reported from this start */
    bool latent; /* ... or a latent one kept, reported if no reachable one turns up */
    cycle kept;
} search;

static bool pick(cycle *c, int i, bool (*ok)(const instance *, const instance *)) {
    if (i == c->len)
        return true;
    const edge *ed = c->edges[i];
    for (int k = 0; k < ed->ninst; k++) {
        bool fits = true;
        for (int j = 0; j < i && fits; j++)
            fits = ok(&ed->inst[k], c->chosen[j]);
        if (!fits)
            continue;
        c->chosen[i] = &ed->inst[k];
        if (pick(c, i + 1, ok))
            return true;
    }
    return false;
}

/* The sample of the cycle whose second acquisition came last in the trace:
 * it closes the cycle. */
static int closing(const cycle *c) {
    int last = 0;
    for (int i = 1; i < c->len; i++)
        if (c->chosen[i]->to_seq > c->chosen[last]->to_seq)
            last = i;
    return last;
}

/* Notes for each path of the cycle, starting after the closing one. */
static void relate_paths(const knot__replay *r, const cycle *c, int last, knot__finding *f) {
    for (int i = 0; i < c->len; i++) {
        int e = (last + 1 + i) % c->len;
        const instance *in = c->chosen[e];
        char a[320], b[320];
        knot__replay_describe(r, c->edges[e]->from, a, sizeof a);
        knot__replay_describe(r, c->edges[e]->to, b, sizeof b);
        knot__finding_relate(f, knot__replay_loc(r, in->from_site), "task %d takes %s here",
                             in->task, a);
        if (e != last)
            knot__finding_relate(f, knot__replay_loc(r, in->to_site),
                                 "... and then %s here, still holding it", b);
        knot__replay_add_task(r, f, in->task);
    }
}

static void locks_text(const knot__replay *r, const cycle *c, char *out, size_t size) {
    size_t n = 0;
    out[0] = 0;
    for (int i = 0; i <= c->len && n + 64 < size; i++) {
        char d[320];
        knot__replay_describe(r, c->path[i % c->len], d, sizeof d);
        n += (size_t)snprintf(out + n, size - n, "%s%s", i ? " -> " : "", d);
    }
}

static void report(search *q, const cycle *c) {
    int last = closing(c);
    char locks[512];
    locks_text(q->r, c, locks, sizeof locks);
    knot__finding *f = knot__findings_add(
        q->s->out, knot__rule_lock_order.id, KNOT_WARNING, true,
        knot__replay_loc(q->r, c->chosen[last]->to_site),
        "lock-order inversion: %d tasks take %s in opposite orders; another schedule deadlocks",
        c->len, locks);
    f->seq = c->chosen[last]->to_seq;
    relate_paths(q->r, c, last, f);
}

/* A latent cycle: say which paths deadlock together, and what kept them
 * apart in this run. */
static void report_latent(search *q, const cycle *c) {
    int last = closing(c);
    bool one_task = true;
    for (int i = 1; i < c->len; i++)
        one_task &= c->chosen[i]->task == c->chosen[0]->task;
    char paths[512], why[64];
    size_t n = 0;
    paths[0] = 0;
    for (int i = 0; i < c->len && n + 96 < sizeof paths; i++) {
        int e = (last + 1 + i) % c->len;
        char from[160], to[160];
        knot__replay_site_text(q->r, c->chosen[e]->from_site, "?", from, sizeof from);
        knot__replay_site_text(q->r, c->chosen[e]->to_site, "?", to, sizeof to);
        n += (size_t)snprintf(paths + n, sizeof paths - n, "%s%s then %s",
                              i == 0            ? ""
                              : i == c->len - 1 ? " and "
                                                : ", ",
                              from, to);
    }
    if (one_task)
        snprintf(why, sizeof why, "task %d runs them one after the other", c->chosen[0]->task);
    else
        snprintf(why, sizeof why, "this run's synchronisation orders them");
    knot__finding *f = knot__findings_add(
        q->s->out, knot__rule_lock_order_latent.id, KNOT_NOTE, false,
        knot__replay_loc(q->r, c->chosen[last]->to_site),
        "latent lock-order inversion: the paths %s take %d locks in %s; %s, but they deadlock if "
        "they ever run at once",
        paths, c->len, c->len == 2 ? "opposite orders" : "a cycle", why);
    f->seq = c->chosen[last]->to_seq;
    relate_paths(q->r, c, last, f);
}

/* A cycle of maxlen locks closed: report it if some schedule of this
 * program closes it, else keep it as latent if nothing gates it. */
static void closed(search *q) {
    cycle c = q->c; /* q->c.path holds indices, still in use by the search */
    c.len = q->maxlen;
    for (int i = 0; i < c.len; i++)
        c.path[i] = q->g->locks[i == 0 ? q->start : (size_t)c.path[i]];
    if (pick(&c, 0, compatible)) {
        report(q, &c);
        q->found = true;
    } else if (!q->latent && pick(&c, 0, latent_compatible)) {
        q->kept = c;
        q->latent = true;
    }
}

/* Depth-first from lock v at depth d of the path, for cycles of exactly
 * maxlen locks back to the start. c.path holds lock indices while
 * searching; the last hop is one hash lookup. */
static void dfs(search *q, size_t v, int d) {
    const graph *g = q->g;
    int component = g->scc[q->start];
    /* maxlen <= MAX_CYCLE, so this is the last hop at the latest; said here
     * for the compiler, which cannot see it through the recursion. */
    if (d >= MAX_CYCLE - 1 || d == q->maxlen - 1) {
        if (--q->budget < 0 || --*q->total < 0)
            return;
        const edge *back = edge_find(q->s, g->locks[v], g->locks[q->start]);
        if (back) {
            q->c.edges[d] = back;
            closed(q);
        }
        return;
    }
    for (size_t k = g->first[v]; k < g->first[v + 1] && !q->found; k++) {
        if (--q->budget < 0 || --*q->total < 0)
            return;
        size_t to = g->adj_to[k];
        if (to <= q->start || g->scc[to] != component)
            continue; /* each cycle is found from its smallest lock, inside one component */
        bool on_path = false;
        for (int i = 1; i <= d; i++)
            on_path |= (size_t)q->c.path[i] == to;
        if (on_path)
            continue;
        q->c.edges[d] = &q->s->edges[g->adj[k]];
        q->c.path[d + 1] = (long long)to;
        dfs(q, to, d + 1);
    }
}

static void search_cycles(state *s, const knot__replay *r) {
    graph g = {0};
    graph_build(s, &g);
    long total = TOTAL_BUDGET;
    /* One report per smallest lock keeps a tangle of cycles readable. */
    for (size_t v = 0; v < g.n && total > 0; v++) {
        if (g.scc_size[g.scc[v]] < 2)
            continue;
        search q = {.s = s, .r = r, .g = &g, .budget = SEARCH_BUDGET, .total = &total, .start = v};
        for (q.maxlen = 2; q.maxlen <= MAX_CYCLE && !q.found && q.budget > 0; q.maxlen++)
            dfs(&q, v, 0);
        if (!q.found && q.latent)
            report_latent(&q, &q.kept);
    }
    graph_free(&g);
}

static void finish(void *st, const knot__replay *r, knot__findings *out) {
    state *s = st;
    if (out && s->nedges)
        search_cycles(s, r);
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
    free(s->slots);
    free(s);
}

const knot__dynamic_check knot__check_lock_order = {&knot__rule_lock_order, start, event, finish};
