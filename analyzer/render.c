/* Rendering graphs with libgvc: one Graphviz context for the process, the
 * dot layout, the output format from the file's extension. */
#include "graph.h"

#include <graphviz/gvc.h>
#include <stdlib.h>
#include <string.h>

static GVC_t *context(void) {
    static GVC_t *gvc;
    if (!gvc)
        gvc = gvContext();
    return gvc;
}

void knot_graph_label(void *obj, const char *text) {
    size_t n = strlen(text), extra = 0;
    for (size_t i = 0; i < n; i++)
        extra += text[i] == '\\';
    char *buf = malloc(n + extra + 1);
    if (!buf)
        return;
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

int knot_render_file(Agraph_t *g, const char *path, char *err, size_t errsize) {
    const char *format = format_of(path);
    if (!format) {
        snprintf(err, errsize, "%s: unknown picture format (use .svg, .png, .pdf or .dot)", path);
        return -1;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errsize, "cannot write %s", path);
        return -1;
    }
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
    if (fclose(f) != 0)
        rc = -1;
    if (rc != 0)
        snprintf(err, errsize, "%s: Graphviz could not render the %s picture", path, format);
    return rc ? -1 : 0;
}

char *knot_render_svg(Agraph_t *g) {
    if (gvLayout(context(), g, "dot") != 0)
        return NULL;
    char *data = NULL;
    unsigned int len = 0; /* Graphviz 2.42's type */
    int rc = gvRenderData(context(), g, "svg", &data, &len);
    gvFreeLayout(context(), g);
    if (rc != 0 || !data)
        return NULL;
    const char *start = strstr(data, "<svg");
    char *svg = start ? strdup(start) : NULL;
    gvFreeRenderData(data);
    return svg;
}

void knot_graph_free(Agraph_t *g) {
    if (g)
        agclose(g);
}
