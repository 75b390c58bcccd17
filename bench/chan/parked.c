/*
 * parked: N tasks blocked at once, each receiving from one channel that main
 * closes when all have started; then main waits for every one to end. Prints
 * the count of tasks that saw the close on stdout, and on stderr the
 * resident memory the parked tasks took, per task ("rss_per_task_bytes N"),
 * measured while they were all parked.
 *
 * usage: bench_parked [N=1000000]
 */
#include "bench.h"

#include <stdatomic.h>
#include <unistd.h>

static knot_chan *gate;
static knot_wg started, ended;
static atomic_uint_fast64_t woken;

static void waiter(void *arg) {
    (void)arg;
    knot_wg_done(&started);
    if (!knot_chan_recv(gate, NULL))
        atomic_fetch_add(&woken, 1);
    knot_wg_done(&ended);
}

/* Resident memory in bytes, from /proc/self/statm (its second field, pages). */
static uint64_t resident(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    char line[128] = "";
    if (!f || !fgets(line, sizeof line, f)) {
        fputs("cannot read /proc/self/statm\n", stderr);
        exit(1);
    }
    fclose(f);
    char *rest = NULL;
    (void)strtoull(line, &rest, 10);
    return strtoull(rest, NULL, 10) * (uint64_t)sysconf(_SC_PAGESIZE);
}

int main(int argc, char **argv) {
    uint64_t n = bench_arg(argc, argv, 1, 1000000, 1);
    gate = knot_chan_make(0, 0);
    if (!gate)
        exit(1);
    uint64_t before = resident();
    knot_wg_add(&started, (int)n);
    knot_wg_add(&ended, (int)n);
    for (uint64_t i = 0; i < n; i++)
        if (knot_go(waiter, NULL) != 0) {
            fprintf(stderr, "knot_go failed at task %" PRIu64 "\n", i);
            exit(1);
        }
    knot_wg_wait(&started);
    uint64_t during = resident();
    knot_chan_close(gate);
    knot_wg_wait(&ended);
    fprintf(stderr, "rss_per_task_bytes %" PRIu64 "\n", (during - before) / n);
    bench_print(atomic_load(&woken));
    return 0;
}
