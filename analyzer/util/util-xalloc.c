/* The analyzer's memory policy (see util-xalloc.h): out of memory is one line
 * and exit status 2, wherever it happens. */
#include "util-xalloc.h"

#include <stdint.h>
#include <unistd.h>

noreturn void knot__out_of_memory(void) {
    /* No stdio: its buffers may be what could not be allocated. */
    static const char msg[] = "knot: out of memory\n";
    (void)!write(2, msg, sizeof msg - 1);
    exit(2);
}

void *knot__xgrow(void *p, size_t *cap, size_t want, size_t elem) {
    if (want <= *cap)
        return p;
    if (want < *cap * 2)
        want = *cap * 2;
    if (elem && want > SIZE_MAX / elem)
        knot__out_of_memory();
    char *q = knot__xrealloc(p, want * elem);
    memset(q + *cap * elem, 0, (want - *cap) * elem);
    *cap = want;
    return q;
}
