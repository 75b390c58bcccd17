/* The happens-before diagram of a window of events: a lane per task (main
 * first, then in spawn order, their heads in a row at the top), events top
 * to bottom in trace order — one rank per event — and an arrow for each
 * edge of the replayer's happens-before model between two tasks (a send to
 * the receive that took its value, a receive to the completion of an
 * unbuffered send or to the send a buffer slot it freed let in, an unlock to
 * the next lock, a close to a receive that saw it, the Dones to the Wait they
 * released, a thread's end to its join, a spawn to the child's start).
 * gopl's Figure 8.5, drawn from a run.
 *
 * It tells one finding's story: a loop's iterations fold into one box
 * ("×40") instead of a picture thousands of points tall; the events at the
 * sites the finding names are marked; and for a prediction, the reordering
 * that makes it happen is drawn dashed. The window is read with SQL straight
 * from the trace; its arrows are the edges the replayer tells as it replays
 * the trace up to the window's last event (replay-hb.c), so the picture
 * shows the order the rules use and never an order of its own. */
#include "render-graph.h"
#include "util-xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_WINDOW 60
#define MAX_WINDOW     500 /* past this, dot's layout time grows past seconds */

#define MAX_PERIOD     8 /* the longest loop body folded, in events */

typedef struct hb_event {
    long long seq, object, site, matched, value;
    int task;
    const char *kind; /* points into kind_names[] below */
    enum knot__ev ev; /* the kind as the replayer models it */
    bool begin, has_matched;
    size_t shown; /* the event drawn for it: itself, or its loop's first iteration */
    int times;    /* for a drawn event: the iterations it stands for */
    bool marked;  /* at a site the finding names */
    bool blocked; /* a drawn end, or one it stands for, had to wait (its begin is not drawn) */
} hb_event;

/* An event is labelled with its kind's name in the trace; every kind has
 * one, and a trace holding any other text does not open. */
static const char *const kind_names[] = {
#define KIND_NAME(num, name, text, replay) text,
    KNOT__EVENT_KINDS(KIND_NAME)
#undef KIND_NAME
};

static const char *intern_kind(const unsigned char *s) {
    for (size_t i = 0; s && i < sizeof kind_names / sizeof kind_names[0]; i++)
        if (strcmp((const char *)s, kind_names[i]) == 0)
            return kind_names[i];
    return "?";
}

knot__hb_window knot__hb_window_for(const knot__finding *f, int *tasks_buf, size_t cap) {
    knot__hb_window w = {tasks_buf, 0, f->seq, DEFAULT_WINDOW, f, NULL};
    for (size_t i = 0; i < f->ntasks && w.ntasks < cap; i++)
        tasks_buf[w.ntasks++] = (int)f->tasks[i].id;
    if (w.ntasks == 0)
        w.tasks = NULL;
    return w;
}

/* "(task IN (1,2,3) OR object = 7)" or "1" for every task: the lanes asked
 * for, and whoever else used the object of the event in focus (the receiver
 * of a channel a send-on-closed names, say). */
static char *task_filter(const knot__hb_window *w, long long object) {
    size_t size = 64 + w->ntasks * 12;
    char *sql = knot__xmalloc(size);
    if (!w->tasks || w->ntasks == 0) {
        snprintf(sql, size, "1");
        return sql;
    }
    size_t n = (size_t)snprintf(sql, size, "(task IN (");
    for (size_t i = 0; i < w->ntasks; i++)
        n += (size_t)snprintf(sql + n, size - n, "%s%d", i ? "," : "", w->tasks[i]);
    snprintf(sql + n, size - n, ") OR object = %lld)", object);
    return sql;
}

static long long focus_object(const knot__replay *r, long long focus) {
    sqlite3_stmt *st;
    long long object = -1;
    if (sqlite3_prepare_v2(r->db, "SELECT object FROM events WHERE seq = ?", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_int64(st, 1, focus);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
            object = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return object;
}

static size_t read_window(const knot__replay *r, const knot__hb_window *w, hb_event *out,
                          size_t cap) {
    char *filter = task_filter(w, w->focus > 0 ? focus_object(r, w->focus) : -1);
    long long focus = w->focus > 0 ? w->focus : (long long)1 << 62;
    size_t after = w->focus > 0 ? cap / 4 : 0, before = cap - after;
    /* Making and freeing channels, and sleeping on timers, order nothing
     * between tasks: left out, the picture shows what synchronised. */
    const char *quiet = "kind NOT IN ('chan_make', 'chan_free', 'timer_make') AND (object IS NULL"
                        " OR object NOT IN (SELECT id FROM objects WHERE kind = 'timer'))";
    char sql[2][1024];
    snprintf(sql[0], sizeof sql[0],
             "SELECT * FROM (SELECT seq, task, object, kind, phase, site, matched, value FROM "
             "events WHERE seq <= %lld AND %s AND %s ORDER BY seq DESC LIMIT %zu) ORDER BY seq",
             focus, filter, quiet, before);
    snprintf(sql[1], sizeof sql[1],
             "SELECT seq, task, object, kind, phase, site, matched, value FROM events WHERE "
             "seq > %lld AND %s AND %s ORDER BY seq LIMIT %zu",
             focus, filter, quiet, after);
    free(filter);
    size_t n = 0;
    for (int q = 0; q < 2; q++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(r->db, sql[q], -1, &st, NULL) != SQLITE_OK)
            continue;
        while (n < cap && sqlite3_step(st) == SQLITE_ROW) {
            hb_event *e = &out[n++];
            e->seq = sqlite3_column_int64(st, 0);
            e->task = sqlite3_column_int(st, 1);
            e->object = sqlite3_column_int64(st, 2);
            e->kind = intern_kind(sqlite3_column_text(st, 3));
            e->ev = knot__replay_kind(sqlite3_column_text(st, 3), sqlite3_column_bytes(st, 3));
            const unsigned char *phase = sqlite3_column_text(st, 4);
            e->begin = phase && phase[0] == 'b';
            e->site = sqlite3_column_int64(st, 5);
            e->has_matched = sqlite3_column_type(st, 6) != SQLITE_NULL;
            e->matched = sqlite3_column_int64(st, 6);
            e->value = sqlite3_column_int64(st, 7);
            e->shown = n - 1;
            e->times = 1;
        }
        sqlite3_finalize(st);
    }
    return n;
}

static void event_label(const knot__replay *r, const hb_event *e, char *out, size_t size) {
    char where[256] = "", what[320] = "", times[32] = "";
    knot__replay_site_text(r, e->site, "", where + 1, sizeof where - 1);
    if (where[1]) /* on a line of its own */
        where[0] = '\n';
    if (e->object > 0 && strcmp(e->kind, "chan_make") != 0) {
        what[0] = ' ';
        knot__replay_describe(r, e->object, what + 1, sizeof what - 1);
    } else if (strcmp(e->kind, "go") == 0) {
        snprintf(what, sizeof what, " task %lld", e->value);
    }
    if (e->times > 1)
        snprintf(times, sizeof times, " ×%d", e->times);
    snprintf(out, size, "%s%s%s%s%s", e->kind, e->begin || e->blocked ? " (blocks)" : "", what,
             times, where);
}

static Agnode_t *lane_head(Agraph_t *g, const knot__replay *r, int task) {
    char name[32], label[320];
    snprintf(name, sizeof name, "lane%d", task);
    Agnode_t *n = agnode(g, name, 1);
    long long spawn = (size_t)task < r->ntasks ? r->tasks[task].spawn_site : 0;
    if (task == 0)
        snprintf(label, sizeof label, "runtime");
    else if (task == 1)
        snprintf(label, sizeof label, "task 1 (main)");
    else if (spawn > 0 && (size_t)spawn < r->nsites && r->sites[spawn].file)
        snprintf(label, sizeof label, "task %d\nspawned at line %d", task, r->sites[spawn].line);
    else
        snprintf(label, sizeof label, "task %d", task);
    knot__graph_label(n, label);
    agsafeset(n, "shape", "box", "");
    agsafeset(n, "style", "filled", "");
    agsafeset(n, "fillcolor", "#d0ebff", "");
    agsafeset(n, "class", "lane", "");
    return n;
}

static bool same_step(const hb_event *a, const hb_event *b) {
    return a->kind == b->kind && a->begin == b->begin && a->object == b->object &&
           a->site == b->site;
}

/* A loop's iterations in one lane: the same steps (kind, object, site) over
 * and over. Each run of two or more repeats of a body of up to MAX_PERIOD
 * events is drawn once, its events standing for every iteration. lane holds
 * the lane's events (indices into ev) in order. */
static void fold_lane(hb_event *ev, const size_t *lane, size_t n) {
    for (size_t i = 0; i < n;) {
        size_t best_len = 0, best_reps = 1;
        for (size_t len = 1; len <= MAX_PERIOD && i + 2 * len <= n; len++) {
            size_t reps = 1;
            for (bool same = true; same && i + (reps + 1) * len <= n; reps += same) {
                for (size_t k = 0; k < len && same; k++)
                    same = same_step(&ev[lane[i + k]], &ev[lane[i + reps * len + k]]);
            }
            if (reps >= 2 && reps * len > best_reps * best_len) {
                best_len = len;
                best_reps = reps;
            }
        }
        if (!best_len) {
            i++;
            continue;
        }
        for (size_t k = 0; k < best_len; k++)
            ev[lane[i + k]].times = (int)best_reps;
        for (size_t rep = 1; rep < best_reps; rep++)
            for (size_t k = 0; k < best_len; k++)
                ev[lane[i + rep * best_len + k]].shown = lane[i + k];
        i += best_reps * best_len;
    }
}

/* A wait that began and ended in the window is one step: its end, drawn
 * as having blocked. Whether an iteration had to wait is the schedule's
 * doing, not the loop's: without this, no two iterations would look alike. */
static void merge_waits(hb_event *ev, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (!ev[i].begin)
            continue;
        size_t k = i + 1;
        while (k < n && ev[k].task != ev[i].task)
            k++;
        if (k < n && !ev[k].begin && ev[k].kind == ev[i].kind && ev[k].object == ev[i].object) {
            ev[i].shown = k;
            ev[k].blocked = true;
        }
    }
}

static void fold(hb_event *ev, size_t n, size_t ntasks) {
    merge_waits(ev, n);
    size_t *lane = knot__xcalloc(n, sizeof *lane);
    for (size_t t = 0; t < ntasks; t++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (ev[i].task == (int)t && ev[i].shown == i)
                lane[k++] = i;
        if (k > 1)
            fold_lane(ev, lane, k);
    }
    free(lane);
    /* A merged begin follows its end to the iteration drawn for it; an
     * iteration that waited makes its drawn step one that can block. */
    for (size_t i = 0; i < n; i++) {
        size_t s = i;
        while (ev[s].shown != s)
            s = ev[s].shown;
        ev[i].shown = s;
        ev[s].blocked |= ev[i].blocked;
    }
}

/* Mark the events at the sites the finding names (its own and its related
 * ones): the racing pair, both halves of an inversion. */
static void mark(const knot__replay *r, const knot__finding *f, hb_event *ev, size_t n) {
    for (size_t i = 0; f && i < n; i++) {
        const hb_event *e = &ev[i];
        if (e->site <= 0 || (size_t)e->site >= r->nsites || !r->sites[e->site].file)
            continue;
        const knot__site_info *s = &r->sites[e->site];
        for (size_t k = 0; k <= f->nrelated && !ev[i].marked; k++) {
            const knot__loc *loc = k < f->nrelated ? &f->related[k].loc : &f->loc;
            ev[i].marked = loc->file && loc->line == s->line && strcmp(loc->file, s->file) == 0;
        }
        if (ev[i].marked)
            ev[ev[i].shown].marked = true;
    }
}

/* The reordering a prediction needs, per rule: of the event in focus and a
 * marked event of another lane, the one that would run first (first: its
 * kind; NULL: the one in focus). */
static const struct {
    const char *rule, *first, *label;
} reorderings[] = {
    {"send-on-closed", "chan_close", "in another schedule\nthe close runs first"},
    {"wg-negative", NULL, "in another schedule\nthe Done runs first"},
};

static void reorder(Agraph_t *g, const knot__finding *f, const hb_event *ev, size_t n,
                    Agnode_t **nodes, size_t focus) {
    for (size_t k = 0; f && f->predicted && k < sizeof reorderings / sizeof reorderings[0]; k++) {
        if (strcmp(f->rule, reorderings[k].rule) != 0)
            continue;
        const char *first = reorderings[k].first;
        for (size_t i = 0; i < n; i++) {
            if (ev[i].shown != i || !ev[i].marked || ev[i].task == ev[focus].task)
                continue;
            bool partner_first = first && strcmp(ev[i].kind, first) == 0;
            if (first && !partner_first && strcmp(ev[focus].kind, first) != 0)
                continue; /* neither is the one that runs first */
            Agedge_t *e = agedge(g, partner_first ? nodes[i] : nodes[focus],
                                 partner_first ? nodes[focus] : nodes[i], NULL, 1);
            agsafeset(e, "style", "dashed", "");
            agsafeset(e, "color", "#e03131", "");
            agsafeset(e, "fontcolor", "#e03131", "");
            agsafeset(e, "constraint", "false", "");
            agsafeset(e, "class", "reorder", "");
            knot__graph_label(e, reorderings[k].label);
            return;
        }
    }
}

/* One arrow for each pair of drawn events that synchronised, however many
 * iterations did ("value ×40"); none inside one lane, where the lane's own
 * order says it already. */
typedef struct hb_sync {
    size_t from, to;
    int times;
    const char *label;
} hb_sync;

typedef struct sync_sink {
    const hb_event *ev; /* the window, in seq order */
    size_t n;
    hb_sync *v;
    size_t ns, cap;
} sync_sink;

static const char *edge_label(enum knot__hb_edge_kind kind, const hb_event *to) {
    switch (kind) {
    case KNOT_HB_SPAWN:
        return "spawn";
    case KNOT_HB_JOIN:
        return "end → join";
    case KNOT_HB_VALUE:
        return "value";
    case KNOT_HB_CLOSE:
        return "close → receive";
    case KNOT_HB_RECEIVED:
        return "receive → sender goes on";
    case KNOT_HB_ROOM:
        return "receive → room for a send";
    case KNOT_HB_UNLOCK:
        return "unlock → lock";
    case KNOT_HB_RELEASE:
        break;
    }
    switch (to->ev) {
    case KNOT_EV_WG_WAIT:
        return "done → wait";
    case KNOT_EV_COND_WAIT:
        return "signal → wait";
    case KNOT_EV_BARRIER_WAIT:
        return "arrival → departure";
    default:
        return "post → wait";
    }
}

static int seq_cmp(const void *key, const void *event) {
    long long a = *(const long long *)key, b = ((const hb_event *)event)->seq;
    return (a > b) - (a < b);
}

/* The window's event seq, or n. */
static size_t window_event(const hb_event *ev, size_t n, long long seq) {
    const hb_event *hit = bsearch(&seq, ev, n, sizeof *ev, seq_cmp);
    return hit ? (size_t)(hit - ev) : n;
}

static void take_edge(void *ctx, const knot__hb_edge *edge) {
    sync_sink *s = ctx;
    size_t a = window_event(s->ev, s->n, edge->from), b = window_event(s->ev, s->n, edge->to);
    if (a == s->n || b == s->n || s->ev[a].task == s->ev[b].task)
        return;
    size_t from = s->ev[a].shown, to = s->ev[b].shown, k = 0;
    while (k < s->ns && (s->v[k].from != from || s->v[k].to != to))
        k++;
    if (k == s->ns) {
        s->v = knot__xgrow(s->v, &s->cap, s->ns + 1, sizeof *s->v);
        s->v[s->ns++] = (hb_sync){from, to, 0, edge_label(edge->kind, &s->ev[b])};
    }
    s->v[k].times++;
}

/* The trace replayed without rules up to event until (0: its end), each edge
 * of the model handed to on_edge. */
static int replay_edges(const knot__replay *r, long long until,
                        void (*on_edge)(void *, const knot__hb_edge *), void *ctx, char *err,
                        size_t errsize) {
    knot__replay model;
    if (knot__replay_open(&model, r->path, err, errsize) != 0)
        return -1;
    model.on_edge = on_edge;
    model.edge_ctx = ctx;
    model.until = until;
    knot__findings none = {0};
    int rc = knot__replay_run(&model, NULL, 0, &none, err, errsize);
    knot__findings_free(&none);
    knot__replay_close(&model);
    return rc;
}

static void keep_edge(void *ctx, const knot__hb_edge *edge) {
    knot__hb_edges *e = ctx;
    e->v = knot__xgrow(e->v, &e->cap, e->n + 1, sizeof *e->v);
    e->v[e->n++] = *edge;
}

int knot__hb_edges_collect(const knot__replay *r, knot__hb_edges *out, char *err, size_t errsize) {
    *out = (knot__hb_edges){0};
    /* They come in the order of the events they lead to (replay.h), which
     * lets a window find its edges by bisection. */
    return replay_edges(r, 0, keep_edge, out, err, errsize);
}

void knot__hb_edges_free(knot__hb_edges *edges) {
    free(edges->v);
    *edges = (knot__hb_edges){0};
}

/* The edges of the replayer's model between the window's events: from the
 * trace's collected edges, or the trace replayed, without rules, up to the
 * window's last event. -1 when it cannot be (a message in err). */
static int syncs(const knot__replay *r, const knot__hb_edges *edges, const hb_event *ev, size_t n,
                 sync_sink *out, char *err, size_t errsize) {
    *out = (sync_sink){ev, n, NULL, 0, 0};
    if (edges) {
        size_t lo = 0, hi = edges->n;
        while (lo < hi) { /* the first edge into the window */
            size_t mid = lo + (hi - lo) / 2;
            if (edges->v[mid].to < ev[0].seq)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t i = lo; i < edges->n && edges->v[i].to <= ev[n - 1].seq; i++)
            take_edge(out, &edges->v[i]);
        return 0;
    }
    return replay_edges(r, ev[n - 1].seq, take_edge, out, err, errsize);
}

/* In a lock-order finding, the order the locks themselves gave this run is
 * the one another schedule reverses: drawn faint, it does not make the
 * tasks look ordered. */
static void sync_edge(Agraph_t *g, Agnode_t *from, Agnode_t *to, const hb_sync *s,
                      const knot__finding *f) {
    bool faint = f && strncmp(f->rule, "lock-order", 10) == 0 && strstr(s->label, "lock");
    char times[32] = "", label[96];
    if (s->times > 1)
        snprintf(times, sizeof times, " ×%d", s->times);
    snprintf(label, sizeof label, "%s%s%s", s->label, times,
             faint ? "\n(this run's order only)" : "");
    Agedge_t *e = agedge(g, from, to, NULL, 1);
    agsafeset(e, "color", faint ? "#adb5bd" : "#1c7ed6", "");
    agsafeset(e, "fontcolor", faint ? "#868e96" : "#1c7ed6", "");
    if (faint)
        agsafeset(e, "style", "dotted", "");
    agsafeset(e, "constraint", "false", "");
    agsafeset(e, "class", "sync", "");
    knot__graph_label(e, label);
}

/* The lanes: the tasks asked for and those with events, main first, then in
 * spawn order (task ids are), the runtime last; their heads in one row at
 * the top, in that order, beside the first tick of the clock. */
static Agnode_t **lanes(Agraph_t *g, const knot__replay *r, const knot__hb_window *w,
                        const hb_event *ev, size_t n, Agnode_t *tick) {
    Agnode_t **head = knot__xcalloc(r->ntasks + 1, sizeof *head);
    bool *used = knot__xcalloc(r->ntasks + 1, sizeof *used);
    for (size_t i = 0; i < n; i++)
        used[ev[i].task] = true;
    for (size_t i = 0; w->tasks && i < w->ntasks; i++)
        if (w->tasks[i] >= 0 && (size_t)w->tasks[i] < r->ntasks)
            used[w->tasks[i]] = true;
    Agraph_t *row = agsubg(g, "lane_heads", 1);
    agsafeset(row, "rank", "same", "");
    agsubnode(row, tick, 1);
    Agnode_t *left = tick;
    for (size_t k = 1; k <= r->ntasks; k++) {
        size_t t = k % r->ntasks; /* 1, 2, ..., then 0 */
        if (!used[t] || head[t])
            continue;
        head[t] = lane_head(g, r, (int)t);
        agsubnode(row, head[t], 1);
        Agedge_t *order = agedge(g, left, head[t], NULL, 1);
        agsafeset(order, "style", "invis", "");
        left = head[t];
    }
    free(used);
    return head;
}

static Agnode_t *tick_node(Agraph_t *g, size_t i, Agnode_t *prev) {
    char tick[40];
    snprintf(tick, sizeof tick, "tick%zu", i);
    Agnode_t *t = agnode(g, tick, 1);
    agsafeset(t, "style", "invis", "");
    agsafeset(t, "shape", "point", "");
    if (prev) {
        Agedge_t *te = agedge(g, prev, t, NULL, 1);
        agsafeset(te, "style", "invis", "");
    }
    return t;
}

static Agraph_t *new_graph(void) {
    Agraph_t *g = agopen("happens_before", Agdirected, NULL);
    agattr(g, AGRAPH, "label", "happens-before (time flows down)");
    agattr(g, AGRAPH, "fontname", "Helvetica");
    agattr(g, AGRAPH, "newrank", "true");
    agattr(g, AGNODE, "fontname", "Helvetica");
    agattr(g, AGNODE, "fontsize", "10");
    agattr(g, AGEDGE, "fontname", "Helvetica");
    agattr(g, AGEDGE, "fontsize", "9");
    return g;
}

static Agnode_t *event_node(Agraph_t *g, const knot__replay *r, const hb_event *e, bool focus) {
    char name[40], label[768];
    snprintf(name, sizeof name, "e%lld", e->seq);
    Agnode_t *node = agnode(g, name, 1);
    event_label(r, e, label, sizeof label);
    knot__graph_label(node, label);
    agsafeset(node, "shape", "box", "");
    agsafeset(node, "style", e->begin || e->blocked ? "dashed" : "solid", "");
    char cls[64];
    snprintf(cls, sizeof cls, "event task%d%s%s%s", e->task, e->times > 1 ? " folded" : "",
             focus ? " focus" : "", e->marked ? " marked" : "");
    agsafeset(node, "class", cls, "");
    if (focus || e->marked) {
        agsafeset(node, "color", focus ? "#e03131" : "#e8590c", "");
        agsafeset(node, "penwidth", "2.5", "");
    }
    return node;
}

Agraph_t *knot__graph_hb(const knot__replay *r, const knot__hb_window *w, char *err,
                         size_t errsize) {
    size_t cap = w->window > 0 ? (size_t)w->window : DEFAULT_WINDOW;
    if (cap > MAX_WINDOW)
        cap = MAX_WINDOW;
    hb_event *ev = knot__xcalloc(cap, sizeof *ev);
    size_t n = read_window(r, w, ev, cap);
    if (n == 0) {
        snprintf(err, errsize, "%s: no events in the chosen window", r->path);
        free(ev);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        if (ev[i].task < 0 || (size_t)ev[i].task >= r->ntasks)
            ev[i].task = 0;
    fold(ev, n, r->ntasks);
    mark(r, w->finding, ev, n);
    sync_sink sync;
    if (syncs(r, w->edges, ev, n, &sync, err, errsize) != 0) {
        free(sync.v);
        free(ev);
        return NULL;
    }
    size_t focus = n;
    for (size_t i = 0; w->focus > 0 && i < n; i++)
        if (ev[i].seq == w->focus)
            focus = ev[i].shown;
    Agraph_t *g = new_graph();
    Agnode_t **nodes = knot__xcalloc(n, sizeof *nodes);
    Agnode_t **lane_last = knot__xcalloc(r->ntasks + 1, sizeof *lane_last);
    Agnode_t *prev_tick = tick_node(g, 0, NULL);
    Agnode_t **head = lanes(g, r, w, ev, n, prev_tick);
    for (size_t i = 0; i < n; i++) {
        const hb_event *e = &ev[i];
        if (e->shown != i)
            continue; /* an iteration its loop's first one stands for */
        nodes[i] = event_node(g, r, e, i == focus);
        /* One rank per event, through an invisible clock down the left. */
        Agnode_t *t = prev_tick = tick_node(g, i + 1, prev_tick);
        char rank[40];
        snprintf(rank, sizeof rank, "rank%zu", i);
        Agraph_t *same = agsubg(g, rank, 1);
        agsafeset(same, "rank", "same", "");
        agsubnode(same, t, 1);
        agsubnode(same, nodes[i], 1);
        /* The task's lane: its previous event, or its head. */
        Agnode_t *above = lane_last[e->task] ? lane_last[e->task] : head[e->task];
        Agedge_t *le = agedge(g, above, nodes[i], NULL, 1);
        agsafeset(le, "color", "#adb5bd", "");
        agsafeset(le, "arrowhead", "none", "");
        agsafeset(le, "weight", "100", "");
        lane_last[e->task] = nodes[i];
    }
    for (size_t s = 0; s < sync.ns; s++)
        sync_edge(g, nodes[sync.v[s].from], nodes[sync.v[s].to], &sync.v[s], w->finding);
    if (focus < n)
        reorder(g, w->finding, ev, n, nodes, focus);
    free(sync.v);
    free(head);
    free(nodes);
    free(lane_last);
    free(ev);
    return g;
}
