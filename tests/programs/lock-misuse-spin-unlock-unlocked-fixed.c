/* lock-misuse-spin-unlock-unlocked.c with one owner for the unlock: the
 * helper never touches the lock, its caller releases it once. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

static pthread_spinlock_t ring_lock;
static int ring[2], count;

static int push_locked(int v) {
    if (count == 2)
        return -1;
    ring[count++] = v;
    return 0;
}

int main(void) {
    pthread_spin_init(&ring_lock, PTHREAD_PROCESS_PRIVATE);
    for (int v = 0; v < 3; v++) {
        pthread_spin_lock(&ring_lock);
        int rc = push_locked(v);
        pthread_spin_unlock(&ring_lock);
        if (rc != 0)
            fprintf(stderr, "ring full, %d dropped\n", v);
    }
    printf("%d queued\n", count);
    return 0;
}
