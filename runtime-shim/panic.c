/* Go-style panics: the message, the site, the task and where it was spawned.
 *
 *   panic: send on closed channel
 *
 *   task 3 [running]:
 *           main.c:42 in producer()
 *   created by task 1 at main.c:60 in main()
 *
 * The process then ends with status 2, as Go's does for an unrecovered panic. */
#include "internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void (*knot__on_fatal)(void);

static knot__lock fatal_lock;

void knot__fprint_site(void *file, const knot_site *site) {
    if (!site)
        site = &knot__unknown_site;
    fprintf((FILE *)file, "%s:%d in %s()", site->file ? site->file : "<unknown>", site->line,
            site->func ? site->func : "?");
}

void knot__die(int status) {
    if (knot__on_fatal)
        knot__on_fatal();
    fflush(stdout);
    fflush(stderr);
    _exit(status);
}

static KNOT__NORETURN void panic_with(uint64_t obj, const knot_site *site, const char *detail,
                                      enum knot__panic_kind kind, const char *msg) {
    /* Two tasks panicking at once must not interleave their messages; the
     * second one simply waits for the first to end the process. */
    knot__lock_acquire(&fatal_lock);
    knot__task *t = knot__self();
    (void)KNOT__TRACE(KNOT__EV_PANIC, KNOT__POINT, t, obj, NULL, site, (uint64_t)kind, 0);
    fflush(stdout);
    fprintf(stderr, "panic: %s", msg);
    if (detail)
        fprintf(stderr, "\n\t[%s]", detail);
    fprintf(stderr, "\n\ntask %llu [running]:\n\t", (unsigned long long)t->id);
    knot__fprint_site(stderr, site);
    fputc('\n', stderr);
    if (!t->foreign) {
        fprintf(stderr, "created by task %llu at ", (unsigned long long)t->parent_id);
        knot__fprint_site(stderr, t->spawn_site);
        fputc('\n', stderr);
    }
    knot__die(2);
}

void knot__panic(const knot_site *site, const char *detail, enum knot__panic_kind kind,
                 const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    /* clang-analyzer 14 misreads va_start in a noreturn function. */
    vsnprintf(msg, sizeof msg, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
    va_end(ap);
    panic_with(0, site, detail, kind, msg);
}

void knot__panic_object(uint64_t obj, const knot_site *site, const char *detail,
                        enum knot__panic_kind kind, const char *msg) {
    panic_with(obj, site, detail, kind, msg);
}
