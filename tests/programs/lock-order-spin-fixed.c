/* lock-order-spin.c with one order: the stats reset takes the queue's
 * spinlock first too, so the two paths can never wait for each other. */
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
    usleep(50 * 1000);
    pthread_spin_lock(&queue_lock);
    pthread_spin_lock(&stats_lock);
    dropped = queued = 0;
    pthread_spin_unlock(&stats_lock);
    pthread_spin_unlock(&queue_lock);
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
