/* The wait-for graph of a trace's final state: each task blocked forever,
 * and the tasks that could release it (a mutex's holder, whoever else used a
 * channel's other end, the thread being joined, ...). Deadlocked sets are
 * the strongly connected groups of stuck tasks none of whose releasers can
 * still run. The leak and deadlock rules and the graph renderer read it.
 *
 * Who reports which blocked task (each stuck task is one rule's, never both):
 * - deadlock: every task of a cycle (cycle[t] != 0); and when the program hung
 *   (all_asleep), every stuck task, with the first cycle or on its own.
 * - leak: a stuck task outside every cycle, when the program did not hang and
 *   did not crash (a crash is its own finding and leaves tasks anywhere). */
#ifndef KNOT_REPLAY_WAITFOR_H
#define KNOT_REPLAY_WAITFOR_H

#include "replay.h"

struct knot__wfg {
    size_t n;    /* tasks (indexed as in the replay) */
    bool *stuck; /* blocked forever when the trace ended */
    int **rel;   /* rel[t]: the tasks that could release t */
    size_t *nrel;
    int *cycle; /* cycle[t]: 1.. the deadlocked group t belongs to, 0 none */
    int ncycles;
    bool all_asleep; /* the program hung with every live task blocked */
};
typedef struct knot__wfg knot__wfg;

void knot__wfg_build(const knot__replay *r, knot__wfg *g);
void knot__wfg_free(knot__wfg *g);

/* Is t alive at the end (started, not ended)? */
bool knot__wfg_alive(const knot__replay *r, int t);

#endif
