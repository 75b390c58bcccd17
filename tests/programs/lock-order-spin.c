/* lock-order-abba.c with spinlocks: the packet path takes the queue's
 * spinlock then the stats spinlock, the stats reset takes them the other way
 * round, 50 ms later. A schedule that overlaps the two spins both threads
 * forever. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_spinlock_t queue_lock, stats_lock;
static int queued, dropped;

static void *packets(void *arg) {
    (void)arg;
    pthread_spin_lock(&queue_lock);
    pthread_spin_lock(&stats_lock);
    queued++;
    pthread_spin_unlock(&stats_lock);
    pthread_spin_unlock(&queue_lock);
    return NULL;
}

static void *reset(void *arg) {
    (void)arg;
    usleep(50 * 1000); /* the packet path is long done: no deadlock in this run */
    pthread_spin_lock(&stats_lock);
    pthread_spin_lock(&queue_lock); // want: predicted lock-order
    dropped = queued = 0;
    pthread_spin_unlock(&queue_lock);
    pthread_spin_unlock(&stats_lock);
    return NULL;
}

int main(void) {
    pthread_spin_init(&queue_lock, PTHREAD_PROCESS_PRIVATE);
    pthread_spin_init(&stats_lock, PTHREAD_PROCESS_PRIVATE);
    pthread_t a, b;
    if (pthread_create(&a, NULL, packets, NULL) != 0 || pthread_create(&b, NULL, reset, NULL) != 0)
        return 1;
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("queued %d, dropped %d\n", queued, dropped);
    return 0;
}
