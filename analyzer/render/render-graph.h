/* Pictures of a replayed trace, built as Graphviz graphs (libcgraph) and
 * laid out and rendered by libgvc:
 *   - the wait-for graph of the final state (render-graph-wfg.c): tasks, the
 *     objects they wait on, who could release them; cycles in red, leaked
 *     tasks in orange;
 *   - the happens-before diagram of a window of events (render-graph-hb.c): a lane
 *     per task, events top to bottom in trace order, an arrow for each
 *     synchronisation.
 * render.c turns either into svg, png, pdf or dot. */
#ifndef KNOT_RENDER_GRAPH_H
#define KNOT_RENDER_GRAPH_H

#include "findings.h"
#include "replay.h"

#ifdef KNOT_NO_GRAPHVIZ
typedef struct Agraph_s Agraph_t; /* never made: see render-graph-off.c */
#else
#include <graphviz/cgraph.h>
#endif
#include <stddef.h>

/* The wait-for graph of r's final state (r has been run). Tasks blocked on
 * the same operation of the same object (and not in a cycle) are drawn as
 * one node, so thousands of leaked tasks stay one picture. NULL when nothing
 * was blocked. */
Agraph_t *knot__graph_wfg(const knot__replay *r);

typedef struct knot__hb_window {
    const int *tasks; /* the lanes; NULL = every task */
    size_t ntasks;
    long long focus;                    /* the event to centre on; 0 = the end of the trace */
    int window;                         /* events to show (default 60) */
    const knot__finding *finding;       /* the finding told, when there is one: the
                                         * events at the sites it names are marked */
    const struct knot__hb_edges *edges; /* the trace's edges, collected once; NULL:
                                         * the trace is replayed up to the window */
} knot__hb_window;

/* Every edge of a trace's happens-before model, in the order of the events
 * they lead to (as the replay tells them), from one replay: for drawing many windows of one trace
 * (the report's pictures), which would otherwise replay it once each. */
typedef struct knot__hb_edges {
    knot__hb_edge *v;
    size_t n, cap;
} knot__hb_edges;

/* 0, or -1 with a one-line reason in err. Free with knot__hb_edges_free. */
int knot__hb_edges_collect(const knot__replay *r, knot__hb_edges *out, char *err, size_t errsize);
void knot__hb_edges_free(knot__hb_edges *edges);

/* The happens-before diagram of a window of r's events: a lane per task
 * (main first, then in spawn order, their heads in a row at the top), the
 * iterations of a loop folded into one ("×40"), an arrow for each
 * synchronisation between two tasks, and for a finding the events it names
 * marked, with the reordering a prediction needs drawn dashed. NULL (and a
 * message in err) when the window holds no event. */
Agraph_t *knot__graph_hb(const knot__replay *r, const knot__hb_window *w, char *err,
                         size_t errsize);

/* The happens-before window for a finding: its tasks (and whoever else used
 * the object of its event), centred on its event. */
knot__hb_window knot__hb_window_for(const knot__finding *f, int *tasks_buf, size_t cap);

/* Render g to path, the format taken from its extension (.svg, .png, .pdf,
 * .dot). Returns 0, or -1 with a one-line reason. */
int knot__render_file(Agraph_t *g, const char *path, const char *trace, char *err, size_t errsize);

/* 0 if path names a picture format and may be written (never over trace:
 * see trace-outfile.h), else -1 with a one-line reason. */
int knot__render_check(const char *path, const char *trace, char *err, size_t errsize);

/* Render g as SVG into memory, without the XML prolog (ready to inline in
 * HTML). Returns a malloc'd string, or NULL. */
char *knot__render_svg(Agraph_t *g);

void knot__graph_free(Agraph_t *g);

/* Graphviz reads backslashes in labels as escapes: double them in text that
 * came from a trace or a source file. */
void knot__graph_label(void *obj, const char *text);

#endif
