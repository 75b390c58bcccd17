/* The importer's large arrays: see import-memory.h for why they are not
 * malloc's. */
#include "import-memory.h"
#include "xalloc.h"

#include <sys/mman.h>

void *knot_import_reserve(size_t bytes) {
    void *m = mmap(NULL, bytes ? bytes : 1, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        knot_out_of_memory();
#ifdef MADV_HUGEPAGE
    (void)madvise(m, bytes, MADV_HUGEPAGE);
#endif
    return m;
}

void knot_import_release(void *p, size_t bytes) {
    if (p)
        munmap(p, bytes ? bytes : 1);
}
