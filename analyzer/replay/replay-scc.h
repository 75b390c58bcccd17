/* Strongly connected components (Tarjan), over any graph given by its
 * successors: the wait-for graph's deadlocked groups and the lock-order
 * graph's possible cycles are both found with it. */
#ifndef KNOT_REPLAY_SCC_H
#define KNOT_REPLAY_SCC_H

#include <stdbool.h>
#include <stddef.h>

typedef struct knot__graph_view {
    size_t n;       /* nodes 0..n-1 */
    const bool *in; /* nodes to consider (NULL: all); edges to others are ignored */
    void *ctx;
    size_t (*degree)(void *ctx, size_t v);         /* successors of v */
    size_t (*succ)(void *ctx, size_t v, size_t k); /* the k-th of them */
} knot__graph_view;

/* Number the components: comp[v] in 0..count-1 for every considered node
 * (-1 for the others), size[c] the nodes of component c (size has room for
 * n). Returns count. */
int knot__scc(const knot__graph_view *g, int *comp, int *size);

#endif
