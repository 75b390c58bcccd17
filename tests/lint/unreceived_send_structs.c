/* unreceived-send on channels that reach their senders inside structs (on
 * the stack, on the heap, in an array of jobs) and through spawn wrappers,
 * started with knot_go, knot_go_copy, pthread_create and thrd_create. */
#include <knot/knot.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <threads.h>

enum { NWORKERS = 4 };

/* ---- a thread pool whose results stop being read after an error ---- */

struct pool_ctx {
    int id;
    knot_chan *results;
};

static void *pool_worker(void *arg) {
    struct pool_ctx *ctx = arg;
    int result = ctx->id % 3 == 0 ? -1 : ctx->id;
    knot_chan_send(ctx->results, &result); // want: unreceived-send
    free(ctx);
    return NULL;
}

int pool_first_error(pthread_t *threads) {
    knot_chan *results = knot_chan_make(sizeof(int), 0);
    for (int i = 0; i < NWORKERS; i++) {
        struct pool_ctx *ctx = malloc(sizeof *ctx);
        if (!ctx)
            return -1;
        ctx->id = i;
        ctx->results = results;
        pthread_create(&threads[i], NULL, pool_worker, ctx);
    }
    int result = 0;
    for (int i = 0; i < NWORKERS; i++) {
        knot_chan_recv(results, &result);
        if (result < 0)
            break;
    }
    return result;
}

/* Twin: every result is received, the first error kept; the workers are
 * started through one context array joined at the end. */
int pool_drained(void) {
    knot_chan *results = knot_chan_make(sizeof(int), 0);
    pthread_t threads[NWORKERS];
    int started = 0;
    while (started < NWORKERS) {
        struct pool_ctx *ctx = calloc(1, sizeof *ctx);
        if (!ctx)
            break;
        *ctx = (struct pool_ctx){.id = started};
        ctx->results = results;
        pthread_create(&threads[started++], NULL, pool_worker, ctx);
    }
    int first_error = 0;
    for (int got = 0; got < started; got++) {
        int result;
        knot_chan_recv(results, &result);
        if (result < 0 && first_error == 0)
            first_error = result;
    }
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    return first_error;
}

/* ---- a progress channel nobody reads ---- */

struct compress_job {
    const char *path;
    knot_chan *progress;
};

static void compress_file(void *arg) {
    const struct compress_job *job = arg;
    for (int pct = 0; pct <= 100; pct += 25)
        knot_chan_send(job->progress, &pct); // want: unreceived-send
    (void)job->path;
}

void compress_quietly(const char *path) {
    knot_chan *progress = knot_chan_make(sizeof(int), 0);
    struct compress_job job = {.path = path, .progress = progress};
    knot_go_copy(compress_file, &job, sizeof job);
}

/* Twin: the progress is read until the worker closes the channel. */
static void compress_file_closing(void *arg) {
    const struct compress_job *job = arg;
    for (int pct = 0; pct <= 100; pct += 25)
        knot_chan_send(job->progress, &pct);
    knot_chan_close(job->progress);
}

int compress_with_progress(const char *path) {
    knot_chan *progress = knot_chan_make(sizeof(int), 0);
    struct compress_job job = {.path = path, .progress = progress};
    knot_go_copy(compress_file_closing, &job, sizeof job);
    int pct, last = -1;
    while (knot_chan_recv(progress, &pct))
        last = pct;
    return last;
}

/* ---- jobs in an array, started through a wrapper ---- */

struct fetch_job {
    int shard;
    knot_chan *done;
};

static void fetch_shard(void *arg) {
    struct fetch_job *job = arg;
    bool ok = job->shard >= 0;
    knot_chan_send(job->done, &ok); // want: unreceived-send
}

static void start_task(void (*fn)(void *), void *arg) { knot_go(fn, arg); }

bool fetch_all_buggy(void) {
    knot_chan *done = knot_chan_make(sizeof(bool), 0);
    struct fetch_job jobs[NWORKERS];
    for (int i = 0; i < NWORKERS; i++) {
        jobs[i].shard = i;
        jobs[i].done = done;
        start_task(fetch_shard, &jobs[i]);
    }
    bool ok = true;
    knot_chan_recv(done, &ok); /* only the first shard's answer */
    return ok;
}

/* Twin: the same shards, one receive per job. */
bool fetch_all(void) {
    knot_chan *done = knot_chan_make(sizeof(bool), 0);
    struct fetch_job jobs[NWORKERS];
    for (int shard = 0; shard < NWORKERS; shard++) {
        jobs[shard].done = done;
        jobs[shard].shard = shard;
        start_task(fetch_shard, &jobs[shard]);
    }
    bool all = true, ok;
    for (int left = NWORKERS; left > 0; left--)
        all = knot_chan_recv(done, &ok) && ok && all;
    return all;
}

/* ---- a channel handed straight to a C11 thread ---- */

static int announce(void *arg) {
    knot_chan *ready = arg;
    int one = 1;
    knot_chan_send(ready, &one); // want: unreceived-send
    return 0;
}

void announce_unheard(thrd_t *t) {
    knot_chan *ready = knot_chan_make(sizeof(int), 0);
    thrd_create(t, announce, ready);
}

static int announce_heard(void *arg) {
    knot_chan *ready = arg;
    int one = 1;
    knot_chan_send(ready, &one);
    return 0;
}

int announce_and_wait(thrd_t *t) {
    knot_chan *ready = knot_chan_make(sizeof(int), 0);
    thrd_create(t, announce_heard, ready);
    int v = 0;
    knot_chan_recv(ready, &v);
    return v;
}
