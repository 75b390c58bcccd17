/* A worker ranges over a job channel that nobody closes. main hands out the
 * jobs, collects every result and returns: the program is correct in what it
 * prints, but the worker is still parked in its receive, waiting for a job
 * that will never come (the "close your channels" advice of Go in Practice,
 * chapter 3). In a long-running server each call would leave one more. */
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
    while (knot_chan_recv(p->jobs, &j)) { // want: leak
        struct result r = {j.id, checksum(&j)};
        knot_chan_send(p->results, &r);
    }
    printf("worker: no more jobs\n");
}

static int run_batch(struct pool *p) {
    for (int i = 0; i < NJOBS; i++) {
        struct job j = {i, 100 * (i + 1)};
        knot_chan_send(p->jobs, &j);
    }
    int total = 0;
    for (int i = 0; i < NJOBS; i++) {
        struct result r;
        knot_chan_recv(p->results, &r);
        total += r.checksum;
    }
    /* BUG: p->jobs is never closed, so the worker's loop never ends. */
    return total;
}

int main(void) {
    static struct pool p;
    p.jobs = knot_chan_make(sizeof(struct job), NJOBS);
    p.results = knot_chan_make(sizeof(struct result), 0);
    knot_chan_name(p.jobs, "jobs");
    knot_chan_name(p.results, "results");
    if (knot_go(worker, &p) != 0) {
        fputs("cannot start the worker\n", stderr);
        return 1;
    }
    printf("total checksum %d\n", run_batch(&p));
    knot_sleep(20); /* the worker stays blocked however long we wait */
    return 0;
}
