/* An optional progress channel is only made when progress reporting is on,
 * but the cleanup closes it unconditionally: closing a nil channel panics
 * ("close of nil channel", exit status 2). */
/* exits: 2 (the panic) */
#include <knot/knot.h>
#include <stdbool.h>
#include <stdio.h>

struct copy_job {
    const char *src, *dst;
    size_t bytes, copied;
    knot_chan *progress; /* chan size_t, NULL unless opts.verbose */
    knot_wg done;
};

struct options {
    bool verbose;
};

static void copy_blocks(void *arg) {
    struct copy_job *job = arg;
    for (job->copied = 0; job->copied < job->bytes; job->copied += 4096)
        if (job->progress)
            knot_chan_send(job->progress, &job->copied);
    knot_wg_done(&job->done);
}

static void finish_job(struct copy_job *job) {
    knot_chan_close(job->progress); // want: close-of-nil
}

int main(void) {
    struct options opts = {false};
    static struct copy_job job = {.src = "in.dat", .dst = "out.dat", .bytes = 16384};
    if (opts.verbose)
        job.progress = knot_chan_make(sizeof(size_t), 8);
    knot_wg_add(&job.done, 1);
    knot_go(copy_blocks, &job);
    knot_wg_wait(&job.done);
    finish_job(&job); /* BUG: job.progress is NULL when not verbose */
    printf("copied %zu bytes from %s to %s\n", job.copied, job.src, job.dst);
    return 0;
}
