/* The pictures, in a knot built without Graphviz (KNOT_BUILD_GRAPHS=OFF):
 * knot graph says so, and knot report is the same page without pictures. */
#include "cli-commands.h"
#include "render-graph.h"

#include <stdio.h>

static const char off[] = "this knot was built without Graphviz (KNOT_BUILD_GRAPHS=OFF); "
                          "rebuild with libgraphviz-dev installed";

int knot__cmd_graph(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fprintf(stderr, "knot: graph: %s\n", off);
    return 2;
}

Agraph_t *knot__graph_wfg(const knot__replay *r) {
    (void)r;
    return NULL;
}

Agraph_t *knot__graph_hb(const knot__replay *r, const knot__hb_window *w, char *err,
                         size_t errsize) {
    (void)r;
    (void)w;
    snprintf(err, errsize, "%s", off);
    return NULL;
}

knot__hb_window knot__hb_window_for(const knot__finding *f, int *tasks_buf, size_t cap) {
    (void)cap;
    return (knot__hb_window){tasks_buf, 0, f->seq, 0, f, NULL};
}

int knot__hb_edges_collect(const knot__replay *r, knot__hb_edges *out, char *err, size_t errsize) {
    (void)r;
    *out = (knot__hb_edges){0};
    snprintf(err, errsize, "%s", off);
    return -1;
}

void knot__hb_edges_free(knot__hb_edges *edges) { (void)edges; }

int knot__render_file(Agraph_t *g, const char *path, const char *trace, char *err, size_t errsize) {
    (void)g;
    (void)path;
    (void)trace;
    snprintf(err, errsize, "%s", off);
    return -1;
}

int knot__render_check(const char *path, const char *trace, char *err, size_t errsize) {
    return knot__render_file(NULL, path, trace, err, errsize);
}

char *knot__render_svg(Agraph_t *g) {
    (void)g;
    return NULL;
}

void knot__graph_free(Agraph_t *g) { (void)g; }

void knot__graph_label(void *obj, const char *text) {
    (void)obj;
    (void)text;
}
