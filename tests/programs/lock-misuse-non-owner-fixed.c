/* lock-misuse-non-owner.c with the lock staying with its owner: the
 * completion task writes the row and reports back, and the handler, which
 * locked the table, is the one that unlocks it. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

struct table {
    pthread_mutex_t mu;
    int rows;
};

struct request {
    struct table *t;
    int row;
};

struct service {
    struct table table;
    knot_chan *handoff;  /* chan struct request */
    knot_chan *finished; /* chan struct{} */
    knot_wg wg;
};

static void handler(void *arg) {
    struct service *svc = arg;
    struct request rq = {&svc->table, 7};
    pthread_mutex_lock(&svc->table.mu);
    knot_chan_send(svc->handoff, &rq);
    knot_chan_recv(svc->finished, NULL);
    pthread_mutex_unlock(&svc->table.mu);
    printf("handler: request done\n");
    knot_wg_done(&svc->wg);
}

static void completion(void *arg) {
    struct service *svc = arg;
    struct request rq;
    knot_chan_recv(svc->handoff, &rq);
    rq.t->rows = rq.row + 1; /* the handler holds the lock for us */
    knot_chan_send(svc->finished, NULL);
    knot_wg_done(&svc->wg);
}

int main(void) {
    static struct service svc = {.table = {PTHREAD_MUTEX_INITIALIZER, 0}};
    svc.handoff = knot_chan_make(sizeof(struct request), 0);
    svc.finished = knot_chan_make(0, 0);
    knot_wg_add(&svc.wg, 2);
    knot_go(completion, &svc);
    knot_go(handler, &svc);
    knot_wg_wait(&svc.wg);
    printf("%d rows\n", svc.table.rows);
    knot_chan_free(svc.handoff);
    knot_chan_free(svc.finished);
    return 0;
}
