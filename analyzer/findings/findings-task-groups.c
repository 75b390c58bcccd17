/* A finding's tasks grouped by where they were spawned, so that the outputs
 * say "283 tasks were spawned here" once instead of 283 identical lines (a
 * pool's workers, a leak of one loop's tasks). */
#include "findings.h"
#include "util-xalloc.h"

#include <stdlib.h>
#include <string.h>

static bool same_text(const char *a, const char *b) {
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_spawn(const knot__finding_task *a, const knot__finding_task *b) {
    return same_text(a->spawn.file, b->spawn.file) && a->spawn.line == b->spawn.line &&
           same_text(a->spawn.module, b->spawn.module) && a->spawn.address == b->spawn.address &&
           same_text(a->function, b->function);
}

bool knot__task_is_main(const knot__finding_task *t) { return !t->spawn.file && !t->spawn.module; }

knot__task_group *knot__finding_task_groups(const knot__finding *f, size_t *n) {
    knot__task_group *g = knot__xcalloc(f->ntasks + 1, sizeof *g);
    *n = 0;
    for (size_t i = 0; i < f->ntasks; i++) {
        size_t k = 0;
        /* The main task has no spawn site: it is never one of a group. */
        while (k < *n &&
               (knot__task_is_main(&f->tasks[i]) || !same_spawn(g[k].first, &f->tasks[i])))
            k++;
        if (k == *n)
            g[(*n)++].first = &f->tasks[i];
        g[k].count++;
    }
    return g;
}

static int by_id(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

void knot__task_group_ids(const knot__finding *f, const knot__task_group *g, char *out,
                          size_t size) {
    long long *ids = knot__xcalloc(g->count + 1, sizeof *ids);
    size_t n = 0;
    for (size_t i = 0; i < f->ntasks && n < g->count; i++)
        if (&f->tasks[i] == g->first ||
            (!knot__task_is_main(g->first) && same_spawn(g->first, &f->tasks[i])))
            ids[n++] = f->tasks[i].id;
    qsort(ids, n, sizeof *ids, by_id);
    if (n == 1) {
        snprintf(out, size, "task %lld", ids[0]);
    } else if (n > 2 && ids[n - 1] - ids[0] == (long long)n - 1) {
        snprintf(out, size, "tasks %lld to %lld", ids[0], ids[n - 1]);
    } else {
        size_t shown = n > 5 ? 3 : n - 1, len = (size_t)snprintf(out, size, "tasks");
        for (size_t i = 0; i < shown && len < size; i++)
            len += (size_t)snprintf(out + len, size - len, "%s %lld", i ? "," : "", ids[i]);
        if (len < size && shown == n - 1)
            snprintf(out + len, size - len, " and %lld", ids[n - 1]);
        else if (len < size)
            snprintf(out + len, size - len, " and %zu more", n - shown);
    }
    free(ids);
}
