/* A small run for knot export's timeline: a worker task takes jobs from an
 * unbuffered channel (hand-offs), both tasks count them under one mutex
 * (critical sections, unlock → lock), main waits for the worker (a blocked
 * wait), and then main and a forgotten task both wait on a channel nobody
 * sends on: every task asleep, which the runtime ends at once (a deadlock:
 * findings, and intervals blocked to the end of the run, with no timing). */
#include <knot/knot.h>
#include <pthread.h>

enum { JOBS = 3 };

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static int counted;
static knot_wg done;

static void count(void) {
    pthread_mutex_lock(&counter_lock);
    counted++;
    pthread_mutex_unlock(&counter_lock);
}

static void worker(void *jobs) {
    int job;
    for (int i = 0; i < JOBS; i++) {
        knot_chan_recv(jobs, &job);
        count();
    }
    knot_wg_done(&done);
}

static void forgotten(void *never) { knot_chan_recv(never, NULL); }

int main(void) {
    knot_chan *jobs = knot_chan_make(sizeof(int), 0);
    knot_chan_name(jobs, "jobs");
    knot_chan *never = knot_chan_make(sizeof(int), 0);
    knot_chan_name(never, "never");
    knot_wg_add(&done, 1);
    knot_go(worker, jobs);
    knot_go(forgotten, never);
    for (int i = 0; i < JOBS; i++) {
        knot_chan_send(jobs, &i);
        count();
    }
    knot_wg_wait(&done);
    knot_chan_recv(never, NULL);
    return counted == 2 * JOBS ? 0 : 1;
}
