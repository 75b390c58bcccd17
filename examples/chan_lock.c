/*
 * chan_lock — mirrors Go in Practice, chapter 3, listing 3.12 ("simple
 * locking with channels"): a buffered channel with one slot used as a lock.
 *
 * Sending into the empty slot takes the lock; a second sender finds the
 * slot full and blocks. Receiving the value back empties the slot and
 * releases the lock to one of the waiters. The channel's happens-before
 * rules also make the holder's writes visible to the next holder, so the
 * shared counter below needs no atomics or mutex.
 *
 * To show the lock really excludes, each holder updates the shared counter
 * with a deliberately slow read-sleep-write; without the lock the updates
 * would overwrite each other. Unlike the book, main waits with a wait group
 * instead of sleeping long enough and hoping.
 */
#include <knot/knot.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

enum { WORKERS = 6, HOLD_MS = 20 };

static knot_chan *lock;    /* chan bool, cap 1 */
static int shared;         /* guarded by lock */
static atomic_int holders; /* how many are inside right now: must stay <= 1 */
static atomic_int max_holders;
static knot_wg wg;

static void worker(void *arg) {
    int id = *(const int *)arg;
    bool token = true;

    printf("%d wants the lock\n", id);
    knot_chan_send(lock, &token); /* lock: fills the only slot */

    int inside = atomic_fetch_add(&holders, 1) + 1;
    int max = atomic_load(&max_holders);
    while (inside > max && !atomic_compare_exchange_weak(&max_holders, &max, inside))
        ;
    printf("%d has the lock\n", id);

    int seen = shared; /* a slow read-modify-write, safe only under the lock */
    knot_sleep(HOLD_MS);
    shared = seen + 1;

    printf("%d is releasing the lock\n", id);
    atomic_fetch_sub(&holders, 1);
    knot_chan_recv(lock, NULL); /* unlock: empties the slot */

    knot_wg_done(&wg);
}

int main(void) {
    lock = knot_chan_make(sizeof(bool), 1);
    knot_chan_name(lock, "lock");

    for (int id = 1; id <= WORKERS; id++) {
        knot_wg_add(&wg, 1);
        knot_go_copy(worker, &id, sizeof id);
    }
    knot_wg_wait(&wg);

    printf("counter = %d (expected %d), at most %d holder(s) at once\n", shared, WORKERS,
           atomic_load(&max_holders));
    knot_chan_free(lock);
    return shared == WORKERS && atomic_load(&max_holders) == 1 ? EXIT_SUCCESS : EXIT_FAILURE;
}
