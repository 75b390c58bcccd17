/* pthread_mutex_consistent, recorded: the owner of a robust mutex may die
 * holding it (EOWNERDEAD is then the next locker's answer), and making it
 * consistent is how that locker says it has repaired the state. The trace
 * needs the call to tell an owner death handled as intended from one
 * nobody handled. */
#include "internal.h"

#include <pthread.h>

typedef int (*consistent_fn)(pthread_mutex_t *);

static _Atomic(void *) real_consistent;

int pthread_mutex_consistent(pthread_mutex_t *m) {
    int rc = ((consistent_fn)knot__libc(&real_consistent, "pthread_mutex_consistent"))(m);
    if (KNOT__LIKELY(!knot__tracing))
        return rc;
    knot__sync_info *i = knot__sync_info_of(m);
    if (i)
        knot__emit_at(KNOT__EV_MUTEX_CONSISTENT, KNOT__POINT, knot__self(), i->id, NULL,
                      __builtin_return_address(0), 0, (uint64_t)rc);
    return rc;
}
