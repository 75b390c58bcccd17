/* Shutdown joins a worker while holding the registry lock, and the worker
 * needs that lock to deregister itself before it can end: main waits for the
 * worker to end, the worker waits for main's unlock. */
/* exits: 2 (the deadlock detector ends it) */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct registry {
    pthread_mutex_t mu;
    int workers;
};

static struct registry reg = {PTHREAD_MUTEX_INITIALIZER, 0};

static void deregister(struct registry *r) {
    pthread_mutex_lock(&r->mu);
    r->workers--;
    pthread_mutex_unlock(&r->mu);
}

static void *worker(void *arg) {
    struct registry *r = arg;
    usleep(30 * 1000); /* some work; main is in shutdown by now */
    deregister(r);
    return NULL;
}

static void shutdown_all(struct registry *r, pthread_t th) {
    pthread_mutex_lock(&r->mu);
    printf("shutting down %d worker(s)\n", r->workers);
    pthread_join(th, NULL); // want: deadlock
    pthread_mutex_unlock(&r->mu);
}

int main(void) {
    pthread_t th;
    reg.workers = 1;
    if (pthread_create(&th, NULL, worker, &reg) != 0)
        return 1;
    shutdown_all(&reg, th);
    return 0;
}
