/* Tarjan's strongly connected components; see replay-scc.h. */
#include "replay-scc.h"
#include "util-xalloc.h"

#include <stdlib.h>

typedef struct tarjan {
    const knot__graph_view *g;
    int *index, *low, *stack, *comp, *size;
    bool *on;
    int next, top, count;
} tarjan;

static bool considered(const knot__graph_view *g, size_t v) {
    return v < g->n && (!g->in || g->in[v]);
}

static void strong(tarjan *t, size_t v) {
    t->index[v] = t->low[v] = ++t->next;
    t->stack[t->top++] = (int)v;
    t->on[v] = true;
    for (size_t k = 0, d = t->g->degree(t->g->ctx, v); k < d; k++) {
        size_t w = t->g->succ(t->g->ctx, v, k);
        if (!considered(t->g, w))
            continue;
        if (!t->index[w]) {
            strong(t, w);
            if (t->low[w] < t->low[v])
                t->low[v] = t->low[w];
        } else if (t->on[w] && t->index[w] < t->low[v]) {
            t->low[v] = t->index[w];
        }
    }
    if (t->low[v] != t->index[v])
        return;
    int c = t->count++, w;
    t->size[c] = 0;
    do {
        w = t->stack[--t->top];
        t->on[w] = false;
        t->comp[w] = c;
        t->size[c]++;
    } while (w != (int)v);
}

int knot__scc(const knot__graph_view *g, int *comp, int *size) {
    size_t n = g->n ? g->n : 1;
    tarjan t = {g,
                knot__xcalloc(n, sizeof(int)),
                knot__xcalloc(n, sizeof(int)),
                knot__xcalloc(n, sizeof(int)),
                comp,
                size,
                knot__xcalloc(n, sizeof(bool)),
                0,
                0,
                0};
    for (size_t v = 0; v < g->n; v++)
        comp[v] = -1;
    for (size_t v = 0; v < g->n; v++)
        if (considered(g, v) && !t.index[v])
            strong(&t, v);
    free(t.index);
    free(t.low);
    free(t.stack);
    free(t.on);
    return t.count;
}
