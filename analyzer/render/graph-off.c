/* The pictures, in a knot built without Graphviz (KNOT_BUILD_GRAPHS=OFF):
 * knot graph says so, and knot report is the same page without pictures. */
#include "commands.h"
#include "graph.h"

#include <stdio.h>

static const char off[] = "this knot was built without Graphviz (KNOT_BUILD_GRAPHS=OFF); "
                          "rebuild with libgraphviz-dev installed";

int knot_cmd_graph(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "knot: graph: %s\n", off);
    return 2;
}

Agraph_t *knot_graph_wfg(const knot_replay *r) {
    (void)r;
    return NULL;
}

Agraph_t *knot_graph_hb(const knot_replay *r, const knot_hb_window *w, char *err, size_t errsize) {
    (void)r;
    (void)w;
    snprintf(err, errsize, "%s", off);
    return NULL;
}

knot_hb_window knot_hb_window_for(const knot_finding *f, int *tasks_buf, size_t cap) {
    (void)cap;
    return (knot_hb_window){tasks_buf, 0, f->seq, 0, f, NULL};
}

int knot_hb_edges_collect(const knot_replay *r, knot_hb_edges *out, char *err, size_t errsize) {
    (void)r;
    *out = (knot_hb_edges){0};
    snprintf(err, errsize, "%s", off);
    return -1;
}

void knot_hb_edges_free(knot_hb_edges *edges) { (void)edges; }

int knot_render_file(Agraph_t *g, const char *path, const char *trace, char *err, size_t errsize) {
    (void)g;
    (void)path;
    (void)trace;
    snprintf(err, errsize, "%s", off);
    return -1;
}

int knot_render_check(const char *path, const char *trace, char *err, size_t errsize) {
    return knot_render_file(NULL, path, trace, err, errsize);
}

char *knot_render_svg(Agraph_t *g) {
    (void)g;
    return NULL;
}

void knot_graph_free(Agraph_t *g) { (void)g; }

void knot_graph_label(void *obj, const char *text) {
    (void)obj;
    (void)text;
}
