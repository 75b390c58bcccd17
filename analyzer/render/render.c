/* Rendering graphs with libgvc: one Graphviz context for the process, the
 * dot layout, the output format from the file's extension. */
#include "render-graph.h"
#include "trace-outfile.h"
#include "util-xalloc.h"

#include <graphviz/gvc.h>
#include <stdlib.h>
#include <string.h>

static GVC_t *context(void) {
    static GVC_t *gvc;
    if (!gvc)
        gvc = gvContext();
    return gvc;
}

void knot__graph_label(void *obj, const char *text) {
    size_t n = strlen(text), extra = 0;
    for (size_t i = 0; i < n; i++)
        extra += text[i] == '\\';
    char *buf = knot__xmalloc(n + extra + 1);
    char *o = buf;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\\')
            *o++ = '\\';
        *o++ = text[i];
    }
    *o = '\0';
    agsafeset(obj, "label", buf, "");
    free(buf);
}

static const char *format_of(const char *path) {
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/'))
        return NULL;
    static const char *const formats[] = {"svg", "png", "pdf", "dot"};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(dot + 1, formats[i]) == 0)
            return formats[i];
    return NULL;
}

int knot__render_check(const char *path, const char *trace, char *err, size_t errsize) {
    if (!format_of(path)) {
        snprintf(err, errsize, "%s: unknown picture format (use .svg, .png, .pdf or .dot)", path);
        return -1;
    }
    knot__out_input input = {trace, "the trace it reads"};
    return knot__outfile_check(path, KNOT_OUT_PICTURE, &input, 1, err, errsize);
}

int knot__render_file(Agraph_t *g, const char *path, const char *trace, char *err, size_t errsize) {
    const char *format = format_of(path);
    if (!format) {
        snprintf(err, errsize, "%s: unknown picture format (use .svg, .png, .pdf or .dot)", path);
        return -1;
    }
    knot__out_input input = {trace, "the trace it reads"};
    knot__outfile out;
    if (knot__outfile_open(&out, path, KNOT_OUT_PICTURE, &input, 1, err, errsize) != 0)
        return -1;
    FILE *f = out.f;
    int rc;
    if (strcmp(format, "dot") == 0) { /* the graph as built: no layout needed */
        rc = agwrite(g, f) == EOF ? -1 : 0;
    } else {
        rc = gvLayout(context(), g, "dot");
        if (rc == 0) {
            rc = gvRender(context(), g, format, f);
            gvFreeLayout(context(), g);
        }
    }
    if (rc != 0) {
        knot__outfile_abort(&out);
        snprintf(err, errsize, "%s: Graphviz could not render the %s picture", path, format);
        return -1;
    }
    return knot__outfile_commit(&out, err, errsize);
}

char *knot__render_svg(Agraph_t *g) {
    if (gvLayout(context(), g, "dot") != 0)
        return NULL;
    char *data = NULL;
    unsigned int len = 0; /* Graphviz 2.42's type */
    int rc = gvRenderData(context(), g, "svg", &data, &len);
    gvFreeLayout(context(), g);
    if (rc != 0 || !data)
        return NULL;
    const char *start = strstr(data, "<svg");
    char *svg = knot__xstrdup(start);
    gvFreeRenderData(data);
    return svg;
}

void knot__graph_free(Agraph_t *g) {
    if (g)
        agclose(g);
}
