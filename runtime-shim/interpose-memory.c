/* Interposed free and munmap: memory given back ends the lives of the
 * pthread objects it held, destroyed or not. A program that frees a struct
 * holding a mutex or a condition variable and gets the same memory back from
 * malloc for the next one makes a new object at an old address; without this,
 * the trace would take both for one object and merge their histories (one
 * cond "used with two mutexes", say).
 *
 * Untraced, each call costs one branch and an indirect call. Traced, free
 * asks the allocator for the block's size and tests a bit per 256 bytes of
 * it (sync-table.c); only a block that may hold an object costs lookups. */
#include "internal.h"

#include <malloc.h>
#include <sys/mman.h>

typedef void (*free_fn)(void *);
typedef size_t (*usable_fn)(void *);
typedef int (*munmap_fn)(void *, size_t);

static _Atomic(void *) real_free, real_usable, real_munmap;

/* Finding libc's free may itself free (dlsym's error state): what is freed
 * while this thread looks it up is left alone rather than looked up again. */
static KNOT__TLS bool resolving;

static free_fn libc_free(void) {
    void *f = atomic_load_explicit(&real_free, memory_order_acquire);
    if (KNOT__LIKELY(f != NULL))
        return (free_fn)f;
    if (resolving)
        return NULL;
    resolving = true;
    f = knot__libc(&real_free, "free");
    resolving = false;
    return (free_fn)f;
}

void free(void *p) {
    free_fn f = libc_free();
    if (!f)
        return;
    if (KNOT__UNLIKELY(knot__tracing) && p)
        knot__sync_forget(p, ((usable_fn)knot__libc(&real_usable, "malloc_usable_size"))(p));
    f(p);
}

int munmap(void *addr, size_t len) {
    if (KNOT__UNLIKELY(knot__tracing))
        knot__sync_forget(addr, len);
    return ((munmap_fn)knot__libc(&real_munmap, "munmap"))(addr, len);
}
