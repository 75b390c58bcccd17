/*
 * thumbnails_leak — mirrors gopl.io ch8 makeThumbnails4 (section 8.5), the
 * version the book marks as incorrect.
 *
 * One task per file makes a "thumbnail" and reports the outcome on a single
 * unbuffered channel. The caller stops reading at the first failure. Every
 * task that has not been received from yet is now stuck in its send: nobody
 * will ever take its value. That is a goroutine leak; here, a thread leak.
 *
 * The program still exits 0: as in Go, tasks still blocked when main returns
 * are simply ended with the process. Before returning, main waits a moment
 * and counts how many workers are parked in their send, to make the leak
 * visible. thumbnails_fixed.c shows two ways to avoid it.
 *
 * No images are touched: the fake thumbnailer fails for names starting with
 * "bad" and otherwise pretends to work for a few milliseconds.
 */
#include <knot/knot.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct outcome {
    const char *file;
    const char *err; /* NULL on success */
};

struct job {
    const char *file;
    knot_chan *outcomes;
};

/* How many workers have reached their send, and how many got past it. */
static atomic_int reached_send;
static atomic_int finished_send;

/* Stand-in for thumbnail.ImageFile: rejects "bad*" at once (a header check),
 * spends a little time on the rest. */
static const char *fake_thumbnail(const char *file) {
    if (strncmp(file, "bad", 3) == 0)
        return "not a JPEG file";
    knot_sleep(20);
    return NULL;
}

static void worker(void *arg) {
    const struct job *j = arg; /* knot_go_copy gave us our own copy */
    struct outcome o = {j->file, fake_thumbnail(j->file)};

    atomic_fetch_add(&reached_send, 1);
    /* LEAK: once the caller has returned, no one receives on this channel
     * again, so this send blocks forever. */
    knot_chan_send(j->outcomes, &o); // want: leak unreceived-send
    atomic_fetch_add(&finished_send, 1);
}

/* Returns the first failure (err == NULL if every file worked) and the number
 * of outcomes it read before returning. */
static struct outcome make_thumbnails4(const char *const *files, int n, int *received) {
    knot_chan *outcomes = knot_chan_make(sizeof(struct outcome), 0);
    knot_chan_name(outcomes, "outcomes");

    for (int i = 0; i < n; i++) {
        struct job j = {files[i], outcomes};
        knot_go_copy(worker, &j, sizeof j);
    }

    *received = 0;
    for (int i = 0; i < n; i++) {
        struct outcome o;
        knot_chan_recv(outcomes, &o);
        ++*received;
        /* The bug: returning here abandons the senders not yet received
         * from. `outcomes` cannot even be freed on this path, since they are
         * blocked on it and knot_chan_free would (rightly) panic. */
        if (o.err != NULL)
            return o;
    }
    knot_chan_free(outcomes); /* every worker got past its send */
    return (struct outcome){NULL, NULL};
}

int main(void) {
    static const char *const files[] = {
        "a.jpg", "b.jpg", "bad.jpg", "c.jpg", "d.jpg", "e.jpg",
    };
    const int n = (int)(sizeof files / sizeof files[0]);

    int received;
    struct outcome first = make_thumbnails4(files, n, &received);
    if (first.err != NULL)
        printf("make_thumbnails4: %s: %s\n", first.file, first.err);
    else
        printf("make_thumbnails4: all %d thumbnails made\n", n);
    printf("returned after reading %d of %d outcomes\n", received, n);

    /* Give every worker time to finish its fake work and reach its send. */
    knot_sleep(200);
    int blocked = atomic_load(&reached_send) - atomic_load(&finished_send);
    printf("%d of %d tasks are still blocked in their send (leaked)\n", blocked, n);
    printf("main returns; the blocked tasks end with the process\n");
    return EXIT_SUCCESS;
}
