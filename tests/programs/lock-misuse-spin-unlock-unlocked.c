/* A ring buffer's push releases its spinlock on the "full" path, and its
 * caller releases it again. pthread_spin_unlock never fails: the second
 * unlock silently frees the lock while another thread may hold it. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

static pthread_spinlock_t ring_lock;
static int ring[2], count;

static int push_locked(int v) {
    if (count == 2) {
        pthread_spin_unlock(&ring_lock); /* "nothing more to do under the lock" */
        return -1;
    }
    ring[count++] = v;
    return 0;
}

int main(void) {
    pthread_spin_init(&ring_lock, PTHREAD_PROCESS_PRIVATE);
    for (int v = 0; v < 3; v++) {
        pthread_spin_lock(&ring_lock);
        if (push_locked(v) != 0)
            fprintf(stderr, "ring full, %d dropped\n", v);
        pthread_spin_unlock(&ring_lock); // want: lock-misuse
    }
    printf("%d queued\n", count);
    return 0;
}
