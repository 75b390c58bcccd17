/* A bounded worker pool on knot_group, which must produce no finding: four
 * workers drain a job channel that main fills and closes, one job fails and
 * cancels the group through its done channel, and every worker (and main's
 * producer loop) selects on done, so nobody is left blocked. Results go to
 * a channel with room for every job; main closes it after knot_group_wait. */
#include <knot/knot.h>
#include <stdio.h>

enum { WORKERS = 4, JOBS = 12, BAD_JOB = 6 };

struct pool {
    knot_chan *jobs;    /* chan int, unbuffered */
    knot_chan *results; /* chan int, capacity JOBS */
};

static int worker(void *arg, knot_chan *done) {
    struct pool *p = arg;
    for (;;) {
        int job;
        knot_case cases[] = {KNOT_CASE_RECV(p->jobs, &job), KNOT_CASE_RECV(done, NULL)};
        if (knot_select(cases, 2) == 1 || !cases[0].ok)
            return 0; /* cancelled, or no more jobs */
        knot_sleep(2);
        if (job == BAD_JOB)
            return 1; /* fails the group: closes done */
        int square = job * job;
        knot_chan_send(p->results, &square);
    }
}

static int produce(struct pool *p, knot_chan *done) {
    int sent = 0;
    for (int job = 0; job < JOBS; job++) {
        knot_case cases[] = {KNOT_CASE_SEND(p->jobs, &job), KNOT_CASE_RECV(done, NULL)};
        if (knot_select(cases, 2) == 1)
            break;
        sent++;
    }
    knot_chan_close(p->jobs);
    return sent;
}

int main(void) {
    static struct pool p;
    p.jobs = knot_chan_make(sizeof(int), 0);
    p.results = knot_chan_make(sizeof(int), JOBS);
    knot_chan_name(p.jobs, "jobs");
    knot_chan_name(p.results, "results");
    knot_group *g = knot_group_make(WORKERS);
    if (g == NULL)
        return 1;
    for (int i = 0; i < WORKERS; i++)
        knot_group_go(g, worker, &p);
    int sent = produce(&p, knot_group_done(g));
    int err = knot_group_wait(g);
    knot_chan_close(p.results);
    int n = 0, v;
    while (knot_chan_recv(p.results, &v))
        n++;
    printf("%d job(s) handed out, %d result(s), error %d\n", sent, n, err);
    knot_chan_free(p.jobs);
    knot_chan_free(p.results);
    return err == 1 ? 0 : 1;
}
