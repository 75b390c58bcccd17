/* wg-negative-add-after-go.c with the Add before the spawn, as gopl and the
 * sync documentation ask: the spawn orders the Add before the task's Done. */
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
    knot_sleep(30);
    ix->docs = 1000L * (ix->shard + 1);
    knot_wg_done(ix->wg);
}

int main(void) {
    static knot_wg wg;
    static struct indexer ixs[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        ixs[i] = (struct indexer){i, 0, &wg};
        knot_wg_add(&wg, 1);
        if (knot_go(index_shard, &ixs[i]) != 0) {
            knot_wg_done(&wg);
            return 1;
        }
    }
    knot_wg_wait(&wg);
    long total = 0;
    for (int i = 0; i < WORKERS; i++)
        total += ixs[i].docs;
    printf("indexed %ld documents\n", total);
    return 0;
}
