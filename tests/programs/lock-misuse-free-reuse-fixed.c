/* A completion record with a condition variable, set up by assignment from
 * PTHREAD_COND_INITIALIZER (no pthread_cond_init) and freed without
 * pthread_cond_destroy, as many programs do. Each request waits with the
 * mutex of the queue it was made for; the second request's record lands in
 * the first one's memory. The two records are two conds, each used with one
 * mutex: nothing is wrong. */
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

static void *request(struct queue *q) {
    struct completion *c = malloc(sizeof *c);
    if (!c)
        exit(1);
    *c = (struct completion){PTHREAD_COND_INITIALIZER, 0, q};
    pthread_mutex_lock(&q->mu); /* before the server starts: the wait below waits */
    pthread_t server;
    if (pthread_create(&server, NULL, serve, c) != 0)
        exit(1);
    while (!c->done)
        pthread_cond_wait(&c->cv, &q->mu);
    pthread_mutex_unlock(&q->mu);
    pthread_join(server, NULL);
    free(c); /* no pthread_cond_destroy: the memory's end is the cond's */
    return c;
}

int main(void) {
    void *first = request(&reads);
    void *second = request(&writes);
    printf("the second record %s the first one's memory\n",
           first == second ? "reused" : "did not reuse");
    return 0;
}
