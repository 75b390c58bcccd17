/*
 * thumbnails_fixed — mirrors gopl.io ch8 makeThumbnails5 and makeThumbnails6
 * (section 8.5), the two repairs of the leak shown in thumbnails_leak.c.
 *
 * make_thumbnails5: the result channel is buffered with one slot per file,
 *   so every worker's send succeeds at once even after the caller has
 *   returned on the first error. Nobody is left blocked; main checks that.
 *
 * make_thumbnails6: file names arrive on a channel, so their number is not
 *   known in advance. A wait group counts the running workers; a separate
 *   closer task waits for it and then closes the sizes channel, which ends
 *   the caller's range loop. The wait cannot go in the caller itself: the
 *   caller must keep receiving, or the workers could never finish.
 *
 * The thumbnailer is a deterministic fake: names starting with "bad" fail,
 * other thumbnails "weigh" 1000 + 10 * strlen(name) bytes.
 */
#include <knot/knot.h>

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NAME_MAX_LEN = 64, MAX_FILES = 16 };

/* Stand-in for thumbnail.ImageFile: fills in the thumbnail's name and size,
 * returns an error message or NULL. */
static const char *fake_thumbnail(const char *file, char thumb[NAME_MAX_LEN], int64_t *size) {
    if (strncmp(file, "bad", 3) == 0)
        return "not a JPEG file";
    knot_sleep(10); /* pretend to decode and scale */
    const char *dot = strrchr(file, '.');
    int stem = dot != NULL ? (int)(dot - file) : (int)strlen(file);
    snprintf(thumb, NAME_MAX_LEN, "%.*s.thumb.jpg", stem, file);
    *size = 1000 + 10 * (int64_t)strlen(file);
    return NULL;
}

/* ------------------------------------------------------------------------
 * makeThumbnails5: buffered channel sized to the work
 * ---------------------------------------------------------------------- */

struct item {
    char thumb[NAME_MAX_LEN];
    const char *file;
    const char *err;
};

/* The results channel outlives the call when it returns early, so in C
 * someone must own it: whoever lets go last (the caller or a late worker)
 * frees it. Go's garbage collector does this for the original. */
struct batch {
    knot_chan *items;
    atomic_int refs;
};

static void batch_release(struct batch *b) {
    if (atomic_fetch_sub(&b->refs, 1) == 1) {
        knot_chan_free(b->items); /* every send is over: nothing can block on it */
        free(b);
    }
}

struct job5 {
    const char *file;
    struct batch *batch;
};

/* Workers that have reached their send, and that got past it. */
static atomic_int reached_send;
static atomic_int finished_send;

static void worker5(void *arg) {
    const struct job5 *j = arg;
    struct item it = {.file = j->file};
    int64_t size;
    it.err = fake_thumbnail(j->file, it.thumb, &size);

    atomic_fetch_add(&reached_send, 1);
    knot_chan_send(j->batch->items, &it); /* never blocks: there is a slot for us */
    atomic_fetch_add(&finished_send, 1);
    batch_release(j->batch);
}

/* Fill thumbs[0..n) with the thumbnail names, in completion order. Returns
 * the first error, or NULL. */
static const char *make_thumbnails5(const char *const *files, int n, char thumbs[][NAME_MAX_LEN],
                                    const char **bad_file) {
    struct batch *b = malloc(sizeof *b);
    if (b == NULL)
        return "out of memory";
    b->items = knot_chan_make(sizeof(struct item), (size_t)n);
    atomic_init(&b->refs, n + 1); /* n workers and us */
    knot_chan_name(b->items, "items");

    for (int i = 0; i < n; i++) {
        struct job5 j = {files[i], b};
        knot_go_copy(worker5, &j, sizeof j);
    }

    const char *err = NULL;
    for (int i = 0; i < n; i++) {
        struct item it;
        knot_chan_recv(b->items, &it);
        if (it.err != NULL) {
            /* Returning early is safe now: the workers not yet heard from
             * still have room to send, so none is left blocked. */
            *bad_file = it.file;
            err = it.err;
            break;
        }
        memcpy(thumbs[i], it.thumb, NAME_MAX_LEN);
    }
    batch_release(b);
    return err;
}

static int by_name(const void *a, const void *b) { return strcmp(a, b); }

static void run_thumbnails5(const char *const *files, int n) {
    char thumbs[MAX_FILES][NAME_MAX_LEN];
    const char *bad_file = NULL;
    if (n > MAX_FILES)
        return;
    const char *err = make_thumbnails5(files, n, thumbs, &bad_file);
    if (err != NULL) {
        printf("make_thumbnails5: %s: %s\n", bad_file, err);
        return;
    }
    /* Completion order is arbitrary; sort so the output is stable. */
    qsort(thumbs, (size_t)n, sizeof thumbs[0], by_name);
    printf("make_thumbnails5: %d thumbnails:", n);
    for (int i = 0; i < n; i++)
        printf(" %s", thumbs[i]);
    printf("\n");
}

/* ------------------------------------------------------------------------
 * makeThumbnails6: wait group + closer task + range over results
 * ---------------------------------------------------------------------- */

struct job6 {
    const char *file;
    knot_wg *wg;
    knot_chan *sizes;
};

struct closer_args {
    knot_wg *wg;
    knot_chan *sizes;
};

static void worker6(void *arg) {
    const struct job6 *j = arg;
    char thumb[NAME_MAX_LEN];
    int64_t size;
    const char *err = fake_thumbnail(j->file, thumb, &size);
    if (err != NULL)
        fprintf(stderr, "thumbnail %s: %s\n", j->file, err); /* log and skip */
    else
        knot_chan_send(j->sizes, &size);
    knot_wg_done(j->wg); /* last: after this the caller may be gone */
}

/* Closes sizes once every worker is done, which ends the caller's loop. */
static void closer(void *arg) {
    const struct closer_args *c = arg;
    knot_wg_wait(c->wg);
    knot_chan_close(c->sizes);
}

/* Thumbnail every name received on `filenames`; return the total size. */
static int64_t make_thumbnails6(knot_chan *filenames) {
    knot_chan *sizes = knot_chan_make(sizeof(int64_t), 0);
    knot_chan_name(sizes, "sizes");
    knot_wg wg = {0}; /* number of working tasks */

    const char *file;
    while (knot_chan_recv(filenames, &file)) {
        knot_wg_add(&wg, 1); /* before the task starts, never inside it */
        struct job6 j = {file, &wg, sizes};
        knot_go_copy(worker6, &j, sizeof j);
    }

    struct closer_args c = {&wg, sizes};
    knot_go_copy(closer, &c, sizeof c);

    int64_t total = 0, size;
    while (knot_chan_recv(sizes, &size))
        total += size;
    knot_chan_free(sizes);
    return total;
}

struct feed_args {
    const char *const *files;
    int n;
    knot_chan *out;
};

/* Producer for make_thumbnails6: send each name, then close. */
static void feed(void *arg) {
    const struct feed_args *f = arg;
    for (int i = 0; i < f->n; i++)
        knot_chan_send(f->out, &f->files[i]);
    knot_chan_close(f->out);
}

int main(void) {
    static const char *const good[] = {"cat.jpg", "dog.jpg", "sunset.jpg", "harbour.jpg"};
    static const char *const mixed[] = {"cat.jpg", "dog.jpg", "bad.jpg", "sunset.jpg",
                                        "harbour.jpg"};
    const int n_good = (int)(sizeof good / sizeof good[0]);
    const int n_mixed = (int)(sizeof mixed / sizeof mixed[0]);

    run_thumbnails5(good, n_good);
    run_thumbnails5(mixed, n_mixed);

    /* Every worker of both runs has had time to send; none may be stuck. */
    knot_sleep(200);
    int blocked = atomic_load(&reached_send) - atomic_load(&finished_send);
    printf("make_thumbnails5: %d tasks left blocked\n", blocked);

    knot_chan *filenames = knot_chan_make(sizeof(const char *), 0);
    knot_chan_name(filenames, "filenames");
    struct feed_args f = {mixed, n_mixed, filenames};
    knot_go_copy(feed, &f, sizeof f);

    int64_t total = make_thumbnails6(filenames);
    knot_chan_free(filenames); /* drained and closed by feed */
    printf("make_thumbnails6: %lld bytes of thumbnails\n", (long long)total);
    return EXIT_SUCCESS;
}
