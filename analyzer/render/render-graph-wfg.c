/* The wait-for graph of a trace's final state, as a Graphviz graph: an edge
 * from each blocked task to what it waits on, and from each object to the
 * tasks that could release it, drawn top-down with the cycle first.
 * Deadlocked cycles are red; tasks leaked at the end are orange; tasks that
 * could still run are grey. */
#include "render-graph.h"
#include "replay-waitfor.h"
#include "util-xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct builder {
    const knot__replay *r;
    const knot__wfg *g;
    Agraph_t *graph;
    int *group; /* stuck task → the task that stands for its group */
} builder;

static bool same_wait(const knot__replay *r, const knot__wfg *g, int a, int b) {
    const knot__event *x = &r->tasks[a].last, *y = &r->tasks[b].last;
    return g->cycle[a] == 0 && g->cycle[b] == 0 && x->site == y->site && x->object == y->object &&
           x->kind == y->kind && r->tasks[a].join_target == r->tasks[b].join_target;
}

static Agnode_t *task_node(builder *b, int t) {
    const knot__replay *r = b->r;
    int rep = b->group[t] ? b->group[t] : t;
    char name[32];
    snprintf(name, sizeof name, "t%d", rep);
    Agnode_t *n = agnode(b->graph, name, 0);
    if (n)
        return n;
    n = agnode(b->graph, name, 1);
    char label[1024], members[256] = "", spawn[256], where[256] = "";
    int count = 0;
    size_t len = 0;
    for (size_t u = 1; u < b->g->n; u++)
        if ((int)u == rep || (b->group[u] == rep && b->g->stuck[u])) {
            if (count++ < 6)
                len += (size_t)snprintf(members + len, sizeof members - len, "%s%zu",
                                        count > 1 ? ", " : "", u);
        }
    if (count > 6)
        snprintf(members + len, sizeof members - len, ", ...");
    knot__replay_site_text(r, r->tasks[rep].spawn_site, "?", spawn, sizeof spawn);
    const knot__event *last = &r->tasks[rep].last;
    if (b->g->stuck[rep] && last->site > 0 && (size_t)last->site < r->nsites &&
        r->sites[last->site].function)
        snprintf(where, sizeof where, "\nblocked in %s()", r->sites[last->site].function);
    if (count > 1)
        snprintf(label, sizeof label, "%d tasks (%s)%s\nspawned at %s", count, members, where,
                 spawn);
    else if (r->tasks[rep].spawn_site > 0)
        snprintf(label, sizeof label, "task %d%s\nspawned at %s", rep, where, spawn);
    else
        snprintf(label, sizeof label, "task %d (main)%s%s", rep, where,
                 !b->g->stuck[rep] && r->program_ended ? "\nthe program ended" : "");
    knot__graph_label(n, label);
    agsafeset(n, "shape", "box", "");
    agsafeset(n, "style", "rounded,filled", "");
    if (!b->g->stuck[rep]) {
        agsafeset(n, "fillcolor", "#e9ecef", "");
        agsafeset(n, "color", "#868e96", "");
    } else if (b->g->cycle[rep]) {
        agsafeset(n, "fillcolor", "#ffc9c9", "");
        agsafeset(n, "color", "#e03131", "");
        agsafeset(n, "penwidth", "2.5", "");
    } else if (b->g->all_asleep) {
        agsafeset(n, "fillcolor", "#ffc9c9", "");
    } else {
        agsafeset(n, "fillcolor", "#ffd8a8", ""); /* leaked */
        agsafeset(n, "color", "#e8590c", "");
    }
    agsafeset(n, "class",
              b->g->cycle[rep]   ? "cycle"
              : b->g->stuck[rep] ? "blocked"
                                 : "running",
              "");
    return n;
}

static Agnode_t *object_node(builder *b, long long id) {
    char name[40];
    snprintf(name, sizeof name, "o%lld", id);
    Agnode_t *n = agnode(b->graph, name, 0);
    if (n)
        return n;
    n = agnode(b->graph, name, 1);
    const knot__object_info *o = &b->r->objects[id];
    char desc[320], label[512], state[128] = "";
    knot__replay_describe(b->r, id, desc, sizeof desc);
    const char *kind = o->kind ? o->kind : "";
    if (strcmp(kind, "chan") == 0 || strcmp(kind, "timer") == 0) {
        long long len = o->sent - o->received;
        if (len < 0 || o->capacity == 0)
            len = 0;
        if (o->capacity > 0)
            snprintf(state, sizeof state, "\nlength %lld of %lld%s", len, o->capacity,
                     o->closed ? ", closed" : "");
        else if (o->closed)
            snprintf(state, sizeof state, "\nclosed");
    } else if (o->holder > 0) {
        snprintf(state, sizeof state, "\nheld by task %d", o->holder);
    } else if (strcmp(kind, "wait group") == 0) {
        snprintf(state, sizeof state, "\ncounter %lld", o->wg_counter);
    }
    /* "mutex #4" over "first used at x.c:12": narrow nodes keep the picture
     * within a page's width. */
    char *at = strstr(desc, " first used at ");
    if (!at)
        at = strstr(desc, " made at ");
    if (at)
        *at = '\n';
    snprintf(label, sizeof label, "%s%s", desc, state);
    knot__graph_label(n, label);
    agsafeset(n, "shape", strcmp(kind, "chan") == 0 ? "cds" : "ellipse", "");
    agsafeset(n, "style", "filled", "");
    agsafeset(n, "fillcolor", "#e7f5ff", "");
    agsafeset(n, "class", "object", "");
    return n;
}

static void edge(builder *b, Agnode_t *from, Agnode_t *to, const char *label, bool cycle,
                 bool dashed) {
    Agedge_t *e = agedge(b->graph, from, to, NULL, 1);
    knot__graph_label(e, label);
    if (cycle) {
        agsafeset(e, "color", "#e03131", "");
        agsafeset(e, "fontcolor", "#e03131", "");
        agsafeset(e, "penwidth", "2.5", "");
        agsafeset(e, "class", "cycle", "");
    }
    if (dashed)
        agsafeset(e, "style", "dashed", "");
}

static void draw_wait(builder *b, int t) {
    const knot__replay *r = b->r;
    const knot__wfg *g = b->g;
    const knot__event *last = &r->tasks[t].last;
    Agnode_t *me = task_node(b, t);
    char label[320], line[256];
    knot__replay_site_text(r, last->site, "?", line, sizeof line);
    snprintf(label, sizeof label, "%s\n%s", knot__replay_verb(last->kind), line);
    int c = g->cycle[t];
    if (last->kind == KNOT_EV_THREAD_JOIN && r->tasks[t].join_target > 0 &&
        (size_t)r->tasks[t].join_target < g->n) {
        int target = (int)r->tasks[t].join_target;
        edge(b, me, task_node(b, target), label, c && g->cycle[target] == c, false);
        return;
    }
    if (last->object <= 0 || (size_t)last->object >= r->nobjects)
        return;
    Agnode_t *obj = object_node(b, last->object);
    bool cycle_edge = false;
    for (size_t i = 0; i < g->nrel[t]; i++)
        cycle_edge |= c && g->cycle[g->rel[t][i]] == c;
    edge(b, me, obj, label, cycle_edge, false);
    /* A channel many tasks used: name a few, count the rest. */
    enum { SHOWN = 8 };
    if (g->nrel[t] > SHOWN) {
        char name[48], more[64];
        snprintf(name, sizeof name, "more%lld", last->object);
        snprintf(more, sizeof more, "%zu more tasks", g->nrel[t] - SHOWN);
        Agnode_t *rest = agnode(b->graph, name, 1);
        knot__graph_label(rest, more);
        agsafeset(rest, "shape", "plaintext", "");
        edge(b, obj, rest, "could release", false, true);
    }
    for (size_t i = 0; i < g->nrel[t] && i < SHOWN; i++) {
        int who = g->rel[t][i];
        bool holder = r->objects[last->object].holder == who;
        edge(b, obj, task_node(b, who), holder ? "held by" : "could release",
             c && g->cycle[who] == c, !holder);
    }
}

Agraph_t *knot__graph_wfg(const knot__replay *r) {
    const knot__wfg *g = r->wfg;
    bool any = false;
    for (size_t t = 1; g && t < g->n; t++)
        any |= g->stuck[t];
    if (!any)
        return NULL;
    builder b = {r, g, agopen("wait_for", Agstrictdirected, NULL),
                 knot__xcalloc(g->n, sizeof(int))};
    /* Top-down: a page is taller than it is wide, and a left-to-right
     * chain of waits was scaled down to unreadable text to fit its width. */
    agsafeset(b.graph, "rankdir", "TB", "");
    agattr(b.graph, AGRAPH, "label",
           g->all_asleep ? "wait-for graph: every task asleep" : "wait-for graph at the end");
    agsafeset(b.graph, "fontname", "Helvetica", "");
    agattr(b.graph, AGNODE, "fontname", "Helvetica");
    agattr(b.graph, AGEDGE, "fontname", "Helvetica");
    agattr(b.graph, AGEDGE, "fontsize", "10");
    for (size_t t = 1; t < g->n; t++) {
        if (!g->stuck[t])
            continue;
        b.group[t] = (int)t;
        for (size_t u = 1; u < t; u++)
            if (g->stuck[u] && b.group[u] == (int)u && same_wait(r, g, (int)u, (int)t)) {
                b.group[t] = (int)u;
                break;
            }
    }
    /* The cycle first: dot places what it meets first at the top left,
     * where the reader starts. */
    for (int pass = 0; pass < 2; pass++)
        for (size_t t = 1; t < g->n; t++)
            if (g->stuck[t] && b.group[t] == (int)t && (g->cycle[t] != 0) == (pass == 0))
                draw_wait(&b, (int)t);
    free(b.group);
    return b.graph;
}
