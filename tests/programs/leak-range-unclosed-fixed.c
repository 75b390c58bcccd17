/* The fix for leak-range-unclosed.c: the side that sends the jobs closes the
 * channel once the last one is queued, the worker's range loop ends, and main
 * waits for the worker before returning. */
#include <knot/knot.h>
#include <stdio.h>

enum { NJOBS = 4 };

struct job {
    int id;
    int size;
};

struct result {
    int id;
    int checksum;
};

struct pool {
    knot_chan *jobs;    /* chan struct job */
    knot_chan *results; /* chan struct result */
    knot_wg running;
};

static int checksum(const struct job *j) {
    int sum = 0;
    for (int i = 0; i < j->size; i++)
        sum = (sum * 31 + i + j->id) % 65521;
    return sum;
}

static void worker(void *arg) {
    struct pool *p = arg;
    struct job j;
    while (knot_chan_recv(p->jobs, &j)) {
        struct result r = {j.id, checksum(&j)};
        knot_chan_send(p->results, &r);
    }
    printf("worker: no more jobs\n");
    knot_wg_done(&p->running);
}

static int run_batch(struct pool *p) {
    for (int i = 0; i < NJOBS; i++) {
        struct job j = {i, 100 * (i + 1)};
        knot_chan_send(p->jobs, &j);
    }
    knot_chan_close(p->jobs); /* the sender closes: no more jobs */
    int total = 0;
    for (int i = 0; i < NJOBS; i++) {
        struct result r;
        knot_chan_recv(p->results, &r);
        total += r.checksum;
    }
    return total;
}

int main(void) {
    static struct pool p;
    p.jobs = knot_chan_make(sizeof(struct job), NJOBS);
    p.results = knot_chan_make(sizeof(struct result), 0);
    knot_chan_name(p.jobs, "jobs");
    knot_chan_name(p.results, "results");
    knot_wg_add(&p.running, 1);
    if (knot_go(worker, &p) != 0) {
        fputs("cannot start the worker\n", stderr);
        return 1;
    }
    printf("total checksum %d\n", run_batch(&p));
    knot_wg_wait(&p.running);
    knot_chan_free(p.jobs);
    knot_chan_free(p.results);
    return 0;
}
