/* The analyzer's one memory policy. knot reads a trace or a program and
 * exits: when memory runs out there is nothing to save and no caller to
 * hand the failure to, so every part allocates through these, which end
 * knot with one line, "knot: out of memory", and exit status 2 (as libuv's
 * uv__malloc and Lua's luaM_ give their code one policy). Not for
 * runtime-shim/, which runs inside the user's program and never exits it.
 *
 * The wrappers are inline so that what reads the code (the compiler, the
 * static analyzer) still sees calloc's zeroed memory and a result that is
 * never NULL. */
#ifndef KNOT_UTIL_XALLOC_H
#define KNOT_UTIL_XALLOC_H

#include <stddef.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>

/* Say "knot: out of memory" on stderr and exit with status 2. */
noreturn void knot__out_of_memory(void);

static inline void *knot__xmalloc(size_t size) {
    void *p = malloc(size ? size : 1);
    if (!p)
        knot__out_of_memory();
    return p;
}

static inline void *knot__xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        knot__out_of_memory();
    return p;
}

static inline void *knot__xrealloc(void *p, size_t size) {
    void *q = realloc(p, size ? size : 1);
    if (!q)
        knot__out_of_memory();
    return q;
}

/* A copy of s; NULL for NULL. */
static inline char *knot__xstrdup(const char *s) {
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    return memcpy(knot__xmalloc(n), s, n);
}

/* The one way to grow an array: p, of *cap elements of elem bytes, made to
 * hold at least want (at least twice as many, so that appending one at a
 * time is linear), the new elements zeroed and *cap updated. */
void *knot__xgrow(void *p, size_t *cap, size_t want, size_t elem);

#endif
