/*
 * worker_pool — mirrors the errgroup answer in the "read files in parallel"
 * Q&A (seed 000): a fixed pool of workers fed through an unbuffered channel,
 * results gathered by a collector, and the whole thing cancelled on the
 * first error (errgroup.WithContext).
 *
 * What it shows:
 *   - knot_group with a limit of 3 as the pool: its tasks return int, and
 *     the first non-zero return closes the group's done channel;
 *   - cancellation is cooperative: nothing stops a running task, so every
 *     worker selects on done next to its work channel, and the producer
 *     selects on done next to its send, and they stop themselves;
 *   - the data channel is closed only after knot_group_wait returns, i.e.
 *     after the last possible sender is gone.
 *
 * knot_group carries ints, not error values, so a worker's error is the
 * 1-based number of the file it could not read, and main turns it back into
 * a message. "file2" always fails; which other files get read before the
 * cancellation lands varies from run to run, but the error printed does not.
 */
#include <knot/knot.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WORKERS = 3, CANCELLED = -1 };

static const char *const files[] = {"file1", "file2", "file3", "file4", "file5", "file6"};
enum { NFILES = sizeof files / sizeof files[0] };

struct file_data {
    const char *name;
    char bytes[32];
};

struct worker {
    int id;
    knot_chan *work; /* chan const char *, unbuffered */
    knot_chan *data; /* chan struct file_data */
};

struct collector {
    knot_chan *data;
    struct file_data got[NFILES];
    int n;
    knot_wg finished;
};

/* Stand-in for reading a file: 0 on success, the file's number on failure. */
static int get_bytes_from_file(const char *name, struct file_data *out) {
    knot_sleep(10); /* pretend I/O */
    if (strcmp(name, "file2") == 0)
        return 2;
    out->name = name;
    snprintf(out->bytes, sizeof out->bytes, "contents of %s", name);
    return 0;
}

static int run_worker(void *arg, knot_chan *done) {
    const struct worker *w = arg;
    for (;;) {
        const char *name;
        knot_case cases[] = {KNOT_CASE_RECV(w->work, &name), KNOT_CASE_RECV(done, NULL)};
        if (knot_select(cases, 2) == 1) {
            printf("worker %d: cancelled\n", w->id);
            return CANCELLED;
        }
        if (!cases[0].ok) {
            printf("worker %d: no more work\n", w->id);
            return 0;
        }
        struct file_data d;
        int err = get_bytes_from_file(name, &d);
        if (err != 0) {
            printf("worker %d: failed to read %s\n", w->id, name);
            return err; /* closes done: the others stop at their next select */
        }
        printf("worker %d: read %s\n", w->id, name);
        knot_chan_send(w->data, &d); /* the collector drains until close */
    }
}

/* Gathers results until the data channel is closed. */
static void collect(void *arg) {
    struct collector *c = arg;
    while (c->n < NFILES && knot_chan_recv(c->data, &c->got[c->n]))
        c->n++;
    knot_wg_done(&c->finished);
}

static int by_name(const void *a, const void *b) {
    return strcmp(((const struct file_data *)a)->name, ((const struct file_data *)b)->name);
}

/* Hand out file names until they run out or the group is cancelled. */
static void produce(knot_chan *work, knot_chan *done) {
    for (int i = 0; i < NFILES; i++) {
        knot_case cases[] = {KNOT_CASE_SEND(work, &files[i]), KNOT_CASE_RECV(done, NULL)};
        if (knot_select(cases, 2) == 1) {
            printf("producer: cancelled before %s\n", files[i]);
            break;
        }
    }
    knot_chan_close(work); /* either way: lets idle workers finish */
}

int main(void) {
    knot_chan *work = knot_chan_make(sizeof(const char *), 0);
    knot_chan *data = knot_chan_make(sizeof(struct file_data), 0);
    knot_chan_name(work, "work");
    knot_chan_name(data, "data");

    static struct collector coll;
    coll.data = data;
    knot_wg_add(&coll.finished, 1);
    knot_go(collect, &coll);

    knot_group *g = knot_group_make(WORKERS);
    if (g == NULL) {
        fputs("worker_pool: out of memory\n", stderr);
        return EXIT_FAILURE;
    }
    struct worker workers[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        workers[i] = (struct worker){i, work, data};
        knot_group_go(g, run_worker, &workers[i]);
    }

    /* main is the producer; it must be done with `done` before the wait
     * below frees the group. */
    produce(work, knot_group_done(g));
    int err = knot_group_wait(g);

    /* No worker is left to send: now, and only now, close data. */
    knot_chan_close(data);
    knot_wg_wait(&coll.finished);

    qsort(coll.got, (size_t)coll.n, sizeof coll.got[0], by_name);
    printf("collected %d file(s):\n", coll.n);
    for (int i = 0; i < coll.n; i++)
        printf("  %s: %s\n", coll.got[i].name, coll.got[i].bytes);

    if (err > 0)
        printf("error: %s cannot be read\n", files[err - 1]);
    else if (err == CANCELLED)
        printf("error: cancelled (wrong: the first error should win)\n");
    else
        printf("all files read\n");

    knot_chan_free(work);
    knot_chan_free(data);
    return EXIT_SUCCESS;
}
