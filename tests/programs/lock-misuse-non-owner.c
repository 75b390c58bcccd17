/* A mutex handed from one task to another: the request handler locks the
 * table and passes the request to a completion task, which writes the row
 * and unlocks the table for it. glibc's default mutex lets that happen, but
 * POSIX leaves an unlock by a thread that does not own the mutex undefined
 * (an error-checking or robust mutex refuses it). */
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
    knot_chan_send(svc->handoff, &rq); /* BUG: the completion task unlocks for us */
    knot_chan_recv(svc->finished, NULL);
    printf("handler: request done\n");
    knot_wg_done(&svc->wg);
}

static void completion(void *arg) {
    struct service *svc = arg;
    struct request rq;
    knot_chan_recv(svc->handoff, &rq);
    rq.t->rows = rq.row + 1;
    pthread_mutex_unlock(&rq.t->mu); // want: lock-misuse
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
