/* A producer/consumer on a mutex and condition variable: the waits, the
 * signals, and the unlock/lock each wait performs inside libc are recorded,
 * so the mutex's events still alternate lock/unlock in its real order. */
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int items, taken;

static void *consumer(void *arg) {
    for (int k = 0; k < 50; k++) {
        pthread_mutex_lock(&mu);
        while (items == 0)
            pthread_cond_wait(&ready, &mu); /* COND_WAIT */
        items--;
        taken++;
        pthread_mutex_unlock(&mu);
    }
    return arg;
}

int main(void) {
    pthread_t th;
    pthread_create(&th, NULL, consumer, NULL);
    for (int k = 0; k < 50; k++) {
        pthread_mutex_lock(&mu);
        items++;
        pthread_cond_signal(&ready); /* COND_SIGNAL */
        pthread_mutex_unlock(&mu);
    }
    pthread_join(th, NULL);
    printf("%d\n", taken);
    return taken == 50 ? 0 : 1;
}
