/* The importer's large arrays: see trace-import-memory.h for why they are not
 * malloc's. */
#include "trace-import-memory.h"
#include "util-xalloc.h"

#include <sys/mman.h>

void *knot__import_reserve(size_t bytes) {
    void *m = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        knot__out_of_memory();
#ifdef MADV_HUGEPAGE
    (void)madvise(m, bytes, MADV_HUGEPAGE);
#endif
    return m;
}

void knot__import_release(void *p, size_t bytes) {
    if (p)
        munmap(p, bytes ? bytes : 1);
}
