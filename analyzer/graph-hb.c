/* The happens-before diagram of a window of events: a lane per task (left to
 * right in task order), events top to bottom in trace order — one rank per
 * event — and an arrow for each synchronisation the trace records (a send to
 * the receive that took its value, an unlock to the next lock, a close to a
 * receive that saw it, a Done to the Wait it released, a thread's end to its
 * join, a spawn to the child's start). gopl's Figure 8.5, drawn from a run.
 * The window is read with SQL straight from the trace, so a trace of 10^7
 * events draws as fast as a small one. */
#include "graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_WINDOW 60
#define MAX_WINDOW     500 /* past this, dot's layout time grows past seconds */

typedef struct hb_event {
    long long seq, object, site, matched, value;
    int task;
    const char *kind; /* points into kinds[] below or "?" */
    bool begin, has_matched;
} hb_event;

static const char *const short_kinds[] = {"task_start",     "task_end",      "go",
                                          "chan_make",      "chan_send",     "chan_recv",
                                          "chan_close",     "chan_free",     "select",
                                          "select_nb",      "wg_add",        "wg_wait",
                                          "timer_make",     "panic",         "deadlock",
                                          "mutex_lock",     "mutex_trylock", "mutex_timedlock",
                                          "mutex_unlock",   "mutex_destroy", "thread_join",
                                          "thread_detach",  "cond_wait",     "cond_signal",
                                          "cond_broadcast", "rwlock_rdlock", "rwlock_wrlock",
                                          "rwlock_unlock",  "sem_post",      "sem_wait",
                                          "sem_trywait",    "sem_timedwait", "barrier_wait",
                                          "group_go",       "group_wait"};

static const char *intern_kind(const unsigned char *s) {
    for (size_t i = 0; s && i < sizeof short_kinds / sizeof short_kinds[0]; i++)
        if (strcmp((const char *)s, short_kinds[i]) == 0)
            return short_kinds[i];
    return "?";
}

knot_hb_window knot_hb_window_for(const knot_finding *f, int *tasks_buf, size_t cap) {
    knot_hb_window w = {tasks_buf, 0, f->seq, DEFAULT_WINDOW};
    for (size_t i = 0; i < f->ntasks && w.ntasks < cap; i++)
        tasks_buf[w.ntasks++] = (int)f->tasks[i].id;
    if (w.ntasks == 0)
        w.tasks = NULL;
    return w;
}

/* "task IN (1,2,3)" or "1" for every task. */
static char *task_filter(const knot_hb_window *w) {
    size_t size = 32 + w->ntasks * 12;
    char *sql = malloc(size);
    if (!sql)
        abort();
    if (!w->tasks || w->ntasks == 0) {
        snprintf(sql, size, "1");
        return sql;
    }
    size_t n = (size_t)snprintf(sql, size, "task IN (");
    for (size_t i = 0; i < w->ntasks; i++)
        n += (size_t)snprintf(sql + n, size - n, "%s%d", i ? "," : "", w->tasks[i]);
    snprintf(sql + n, size - n, ")");
    return sql;
}

static size_t read_window(const knot_replay *r, const knot_hb_window *w, hb_event *out,
                          size_t cap) {
    char *filter = task_filter(w);
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
            const unsigned char *phase = sqlite3_column_text(st, 4);
            e->begin = phase && phase[0] == 'b';
            e->site = sqlite3_column_int64(st, 5);
            e->has_matched = sqlite3_column_type(st, 6) != SQLITE_NULL;
            e->matched = sqlite3_column_int64(st, 6);
            e->value = sqlite3_column_int64(st, 7);
        }
        sqlite3_finalize(st);
    }
    return n;
}

static void event_label(const knot_replay *r, const hb_event *e, char *out, size_t size) {
    char where[256] = "", what[320] = "";
    knot_replay_site_text(r, e->site, "", where + 1, sizeof where - 1);
    if (where[1]) /* on a line of its own */
        where[0] = '\n';
    if (e->object > 0 && strcmp(e->kind, "chan_make") != 0) {
        what[0] = ' ';
        knot_replay_describe(r, e->object, what + 1, sizeof what - 1);
    } else if (strcmp(e->kind, "go") == 0) {
        snprintf(what, sizeof what, " task %lld", e->value);
    }
    snprintf(out, size, "%s%s%s%s", e->kind, e->begin ? " (blocks)" : "", what, where);
}

static Agnode_t *lane_head(Agraph_t *g, const knot_replay *r, int task) {
    char name[32], label[320];
    snprintf(name, sizeof name, "lane%d", task);
    Agnode_t *n = agnode(g, name, 0);
    if (n)
        return n;
    n = agnode(g, name, 1);
    long long spawn = (size_t)task < r->ntasks ? r->tasks[task].spawn_site : 0;
    if (task == 0)
        snprintf(label, sizeof label, "runtime");
    else if (spawn > 0 && (size_t)spawn < r->nsites && r->sites[spawn].file)
        snprintf(label, sizeof label, "task %d\nspawned at line %d", task, r->sites[spawn].line);
    else
        snprintf(label, sizeof label, "task %d", task);
    knot_graph_label(n, label);
    agsafeset(n, "shape", "box", "");
    agsafeset(n, "style", "filled", "");
    agsafeset(n, "fillcolor", "#d0ebff", "");
    agsafeset(n, "class", "lane", "");
    return n;
}

static const char *sync_label(const char *kind) {
    if (strstr(kind, "recv") || strcmp(kind, "select") == 0)
        return "value";
    if (strstr(kind, "lock"))
        return "unlock → lock";
    if (strcmp(kind, "wg_wait") == 0)
        return "done → wait";
    if (strcmp(kind, "thread_join") == 0)
        return "end → join";
    return "sync";
}

static void sync_edge(Agraph_t *g, Agnode_t *from, Agnode_t *to, const char *label) {
    Agedge_t *e = agedge(g, from, to, NULL, 1);
    agsafeset(e, "color", "#1c7ed6", "");
    agsafeset(e, "fontcolor", "#1c7ed6", "");
    agsafeset(e, "constraint", "false", "");
    agsafeset(e, "class", "sync", "");
    knot_graph_label(e, label);
}

Agraph_t *knot_graph_hb(const knot_replay *r, const knot_hb_window *w, char *err, size_t errsize) {
    size_t cap = w->window > 0 ? (size_t)w->window : DEFAULT_WINDOW;
    if (cap > MAX_WINDOW)
        cap = MAX_WINDOW;
    hb_event *ev = calloc(cap, sizeof *ev);
    if (!ev)
        abort();
    size_t n = read_window(r, w, ev, cap);
    if (n == 0) {
        snprintf(err, errsize, "%s: no events in the chosen window", r->path);
        free(ev);
        return NULL;
    }
    Agraph_t *g = agopen("happens_before", Agdirected, NULL);
    agattr(g, AGRAPH, "label", "happens-before (time flows down)");
    agattr(g, AGRAPH, "fontname", "Helvetica");
    agattr(g, AGRAPH, "newrank", "true");
    agattr(g, AGNODE, "fontname", "Helvetica");
    agattr(g, AGNODE, "fontsize", "10");
    agattr(g, AGEDGE, "fontname", "Helvetica");
    agattr(g, AGEDGE, "fontsize", "9");
    Agnode_t **nodes = calloc(n, sizeof *nodes);
    Agnode_t **lane_last = calloc(r->ntasks + 1, sizeof *lane_last);
    if (!nodes || !lane_last)
        abort();
    Agnode_t *prev_tick = NULL;
    for (size_t i = 0; i < n; i++) {
        const hb_event *e = &ev[i];
        int lane = e->task >= 0 && (size_t)e->task < r->ntasks ? e->task : 0;
        char name[40], label[768];
        snprintf(name, sizeof name, "e%lld", e->seq);
        nodes[i] = agnode(g, name, 1);
        event_label(r, e, label, sizeof label);
        knot_graph_label(nodes[i], label);
        agsafeset(nodes[i], "shape", "box", "");
        agsafeset(nodes[i], "style", e->begin ? "dashed" : "solid", "");
        agsafeset(nodes[i], "class", "event", "");
        if (w->focus > 0 && e->seq == w->focus) {
            agsafeset(nodes[i], "color", "#e03131", "");
            agsafeset(nodes[i], "penwidth", "2.5", "");
        }
        /* One rank per event, through an invisible clock down the left. */
        char tick[40];
        snprintf(tick, sizeof tick, "tick%zu", i);
        Agnode_t *t = agnode(g, tick, 1);
        agsafeset(t, "style", "invis", "");
        agsafeset(t, "shape", "point", "");
        if (prev_tick) {
            Agedge_t *te = agedge(g, prev_tick, t, NULL, 1);
            agsafeset(te, "style", "invis", "");
        }
        prev_tick = t;
        char rank[40];
        snprintf(rank, sizeof rank, "rank%zu", i);
        Agraph_t *same = agsubg(g, rank, 1);
        agsafeset(same, "rank", "same", "");
        agsubnode(same, t, 1);
        agsubnode(same, nodes[i], 1);
        /* The task's lane: its previous event, or its head. */
        Agnode_t *above = lane_last[lane] ? lane_last[lane] : lane_head(g, r, lane);
        Agedge_t *le = agedge(g, above, nodes[i], NULL, 1);
        agsafeset(le, "color", "#adb5bd", "");
        agsafeset(le, "arrowhead", "none", "");
        agsafeset(le, "weight", "100", "");
        lane_last[lane] = nodes[i];
    }
    for (size_t i = 0; i < n; i++) {
        const hb_event *e = &ev[i];
        for (size_t k = 0; k < i; k++) {
            if (e->has_matched && ev[k].seq == e->matched)
                sync_edge(g, nodes[k], nodes[i], sync_label(e->kind));
            if (strcmp(e->kind, "task_start") == 0 && strcmp(ev[k].kind, "go") == 0 &&
                ev[k].value == e->task)
                sync_edge(g, nodes[k], nodes[i], "spawn");
        }
    }
    free(nodes);
    free(lane_last);
    free(ev);
    return g;
}
