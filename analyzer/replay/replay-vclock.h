/* Vector clocks over task ids 0..n-1. A clock is a plain array owned by its
 * holder; the replayer sizes them all to the trace's task count. */
#ifndef KNOT_REPLAY_VCLOCK_H
#define KNOT_REPLAY_VCLOCK_H

#include "util-xalloc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h> /* free, for the clocks made here */
#include <string.h>

typedef uint32_t knot__vc_t;

static inline knot__vc_t *knot__vc_new(size_t n) {
    /* the replayer's memory is bounded by tasks x live objects */
    return knot__xcalloc(n ? n : 1, sizeof(knot__vc_t));
}

static inline void knot__vc_join(knot__vc_t *into, const knot__vc_t *from, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (from[i] > into[i])
            into[i] = from[i];
}

static inline knot__vc_t *knot__vc_dup(const knot__vc_t *vc, size_t n) {
    knot__vc_t *copy = knot__vc_new(n);
    memcpy(copy, vc, n * sizeof *vc);
    return copy;
}

/* Join from into *slot, creating the slot's clock on first use. */
static inline void knot__vc_join_into(knot__vc_t **slot, const knot__vc_t *from, size_t n) {
    if (!*slot)
        *slot = knot__vc_dup(from, n);
    else
        knot__vc_join(*slot, from, n);
}

#endif
