/* lock-misuse-cond-unlocked.c done right: the flag is tested and waited on
 * with the mutex held, in a loop (wakeups can be spurious). */
#include <knot/knot.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

struct latch {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool open;
    knot_chan *started; /* chan struct{}: the waiter is running */
};

static struct latch latch = {.cv = PTHREAD_COND_INITIALIZER};

static void *waiter(void *arg) {
    struct latch *l = arg;
    knot_chan_send(l->started, NULL);
    pthread_mutex_lock(&l->mu);
    while (!l->open)
        pthread_cond_wait(&l->cv, &l->mu);
    pthread_mutex_unlock(&l->mu);
    printf("latch open\n");
    return NULL;
}

int main(void) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&latch.mu, &attr);
    pthread_mutexattr_destroy(&attr);

    latch.started = knot_chan_make(0, 0);
    pthread_t th;
    if (pthread_create(&th, NULL, waiter, &latch) != 0)
        return 1;
    knot_chan_recv(latch.started, NULL);
    usleep(20 * 1000);
    pthread_mutex_lock(&latch.mu);
    latch.open = true;
    pthread_cond_broadcast(&latch.cv);
    pthread_mutex_unlock(&latch.mu);
    pthread_join(th, NULL);
    pthread_mutex_destroy(&latch.mu);
    knot_chan_free(latch.started);
    return 0;
}
