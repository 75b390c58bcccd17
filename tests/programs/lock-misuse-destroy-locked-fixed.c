/* lock-misuse-destroy-locked.c with the teardown after every request has
 * finished: knot_wg_wait first, then destroy the unlocked mutex. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conn {
    pthread_mutex_t mu;
    int fd;
    int in_flight;
    knot_wg requests;
};

static void request(void *arg) {
    struct conn *c = arg;
    pthread_mutex_lock(&c->mu);
    c->in_flight++;
    knot_sleep(40);
    c->in_flight--;
    pthread_mutex_unlock(&c->mu);
    knot_wg_done(&c->requests);
}

static void close_conn(struct conn *c) {
    knot_wg_wait(&c->requests); /* no request can hold the lock after this */
    c->fd = -1;
    int rc = pthread_mutex_destroy(&c->mu);
    if (rc != 0)
        fprintf(stderr, "destroy: %s\n", strerror(rc));
}

int main(void) {
    struct conn *c = calloc(1, sizeof *c);
    if (c == NULL)
        return 1;
    pthread_mutex_init(&c->mu, NULL);
    c->fd = 3;
    knot_wg_add(&c->requests, 1);
    knot_go(request, c);
    knot_sleep(15);
    close_conn(c);
    free(c);
    return 0;
}
