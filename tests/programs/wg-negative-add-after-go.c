/* knot_wg_add called after the task that calls knot_wg_done is spawned. In
 * this run the worker sleeps first, so the Add happens before the Done and
 * nothing panics; but nothing orders the two, and a schedule that runs the
 * worker first takes the counter below zero. */
#include <knot/knot.h>
#include <stdio.h>

enum { WORKERS = 2 };

struct indexer {
    int shard;
    long docs;
    knot_wg *wg;
};

static void index_shard(void *arg) {
    struct indexer *ix = arg;
    knot_sleep(30); /* stands in for the real work */
    ix->docs = 1000L * (ix->shard + 1);
    knot_wg_done(ix->wg); // want: predicted wg-negative
}

int main(void) {
    static knot_wg wg;
    static struct indexer ixs[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        ixs[i] = (struct indexer){i, 0, &wg};
        if (knot_go(index_shard, &ixs[i]) != 0)
            return 1;
        knot_wg_add(&wg, 1); /* BUG: after the spawn */
    }
    knot_wg_wait(&wg);
    long total = 0;
    for (int i = 0; i < WORKERS; i++)
        total += ixs[i].docs;
    printf("indexed %ld documents\n", total);
    return 0;
}
