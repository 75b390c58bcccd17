/* lock-misuse-free-reuse-fixed.c with the bug it avoids: one completion
 * record, never freed, serves a request of each queue, so its cond is used
 * with two mutexes. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct queue {
    pthread_mutex_t mu;
};

struct completion {
    pthread_cond_t cv;
    int done;
    struct queue *q;
};

static struct queue reads = {PTHREAD_MUTEX_INITIALIZER};
static struct queue writes = {PTHREAD_MUTEX_INITIALIZER};

static void *serve(void *arg) {
    struct completion *c = arg;
    pthread_mutex_lock(&c->q->mu);
    c->done = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->q->mu);
    return NULL;
}

static void request(struct completion *c, struct queue *q) {
    c->done = 0;
    c->q = q;
    pthread_mutex_lock(&q->mu); /* before the server starts: the wait below waits */
    pthread_t server;
    if (pthread_create(&server, NULL, serve, c) != 0)
        exit(1);
    while (!c->done)
        pthread_cond_wait(&c->cv, &q->mu); // want: lock-misuse
    pthread_mutex_unlock(&q->mu);
    pthread_join(server, NULL);
}

int main(void) {
    struct completion *c = malloc(sizeof *c);
    if (!c)
        return 1;
    *c = (struct completion){PTHREAD_COND_INITIALIZER, 0, NULL};
    request(c, &reads);
    request(c, &writes); /* BUG: the same cond, now with the other queue's mutex */
    free(c);
    puts("done");
    return 0;
}
