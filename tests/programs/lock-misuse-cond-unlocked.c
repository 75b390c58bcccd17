/* A waiter that forgot to take the mutex before pthread_cond_wait. With a
 * default mutex that is undefined behaviour (glibc may lose the wakeup); with
 * the error-checking mutex used here the wait fails at once with EPERM, and
 * the code falls back to the correct, locked wait. */
#include <errno.h>
#include <knot/knot.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
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
    int rc = 0;
    knot_chan_send(l->started, NULL);
    if (!l->open)
        rc = pthread_cond_wait(&l->cv, &l->mu); // want: lock-misuse
    if (rc != 0) {
        fprintf(stderr, "cond wait: %s; retrying with the lock\n", strerror(rc));
        pthread_mutex_lock(&l->mu);
        while (!l->open)
            pthread_cond_wait(&l->cv, &l->mu);
        pthread_mutex_unlock(&l->mu);
    }
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
