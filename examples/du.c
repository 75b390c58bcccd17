/*
 * du — mirrors gopl.io ch8 "du4" (sections 8.8 and 8.9): disk usage of one or
 * more directory trees, walked concurrently, with progress and cancellation.
 *
 * What it shows:
 *   - one task per directory, counted by a wait group; a closer task closes
 *     the file-sizes channel when the count reaches zero;
 *   - a counting semaphore (buffered chan struct{}, cap 20) bounding how many
 *     directories are open at once;
 *   - with -v, a ticker whose case in main's select is disabled otherwise by
 *     leaving the channel NULL (a nil channel never fires);
 *   - cancellation by closing a `done` channel: a close is seen by every
 *     receiver, now and later, so it works as a broadcast. cancelled() polls
 *     it with a non-blocking select; the semaphore acquire waits on it too.
 *     After cancelling, main drains the sizes channel so that walkers stuck
 *     in their send can finish.
 *
 * Cancel by typing a byte on stdin (as in the book) or, for scripts and
 * tests, with --cancel-after-ms N, which arms a knot_after timer.
 *
 * usage: du [-v] [--cancel-after-ms N] [dir...]     (default dir: .)
 */
#define _POSIX_C_SOURCE 200809L

#include <knot/knot.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_OPEN_DIRS = 20, PROGRESS_MS = 500 };

/* Package-level channels, as in the Go program. */
static knot_chan *done;       /* chan struct{}: closed to cancel, never sent on */
static knot_chan *sema;       /* chan struct{}, cap 20: directory-reading tokens */
static knot_chan *stdin_byte; /* chan struct{}, cap 1: a byte arrived on stdin */

static bool cancelled(void) {
    knot_case c = KNOT_CASE_RECV(done, NULL);
    return knot_select_nb(&c, 1) == 0;
}

/* ------------------------------------------------------------------------
 * Walking
 * ---------------------------------------------------------------------- */

struct entry {
    char *path;
    bool is_dir;
    int64_t size;
};

struct walk_args {
    char *dir; /* owned by the task */
    knot_wg *wg;
    knot_chan *file_sizes;
};

static char *join(const char *dir, const char *name) {
    size_t len = strlen(dir);
    bool slash = len > 0 && dir[len - 1] == '/';
    size_t size = len + strlen(name) + 2;
    char *path = malloc(size);
    if (path != NULL)
        snprintf(path, size, "%s%s%s", dir, slash ? "" : "/", name);
    return path;
}

/* Read dir's entries while holding a token. Returns a malloc'd array (the
 * caller frees it and each path), or NULL if cancelled or unreadable. */
static struct entry *dirents(const char *dir, size_t *count) {
    *count = 0;
    knot_case acquire[] = {KNOT_CASE_SEND(sema, NULL), KNOT_CASE_RECV(done, NULL)};
    if (knot_select(acquire, 2) == 1)
        return NULL; /* cancelled while waiting for a token */

    struct entry *list = NULL;
    size_t cap = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        fprintf(stderr, "du: %s: %s\n", dir, strerror(errno));
    for (struct dirent *de; d != NULL && (de = readdir(d)) != NULL;) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *path = join(dir, de->d_name);
        struct stat st;
        if (path == NULL || lstat(path, &st) != 0) { /* lstat: don't follow links */
            fprintf(stderr, "du: %s: %s\n", path ? path : dir, strerror(errno));
            free(path);
            continue;
        }
        if (*count == cap) {
            cap = cap ? 2 * cap : 16;
            struct entry *bigger = realloc(list, cap * sizeof *list);
            if (bigger == NULL) {
                free(path);
                break;
            }
            list = bigger;
        }
        list[(*count)++] = (struct entry){path, S_ISDIR(st.st_mode), (int64_t)st.st_size};
    }
    if (d != NULL)
        closedir(d);

    knot_chan_recv(sema, NULL); /* release the token */
    return list;
}

static void walk_dir(void *arg);

static void spawn_walk(char *dir, knot_wg *wg, knot_chan *file_sizes) {
    knot_wg_add(wg, 1); /* before the task exists, so Wait cannot miss it */
    struct walk_args a = {dir, wg, file_sizes};
    knot_go_copy(walk_dir, &a, sizeof a);
}

/* Send the size of every file under a->dir; start a task per subdirectory. */
static void walk_dir(void *arg) {
    const struct walk_args *a = arg;
    size_t n = 0;
    struct entry *list = cancelled() ? NULL : dirents(a->dir, &n);

    for (size_t i = 0; i < n; i++) {
        /* Polling again here avoids starting tasks that would be no-ops. */
        if (list[i].is_dir && !cancelled()) {
            spawn_walk(list[i].path, a->wg, a->file_sizes); /* it owns path */
            continue;
        }
        if (!list[i].is_dir)
            knot_chan_send(a->file_sizes, &list[i].size);
        free(list[i].path);
    }
    free(list);
    free(a->dir);
    knot_wg_done(a->wg);
}

struct closer_args {
    knot_wg *wg;
    knot_chan *file_sizes;
};

static void closer(void *arg) {
    const struct closer_args *c = arg;
    knot_wg_wait(c->wg);
    knot_chan_close(c->file_sizes);
}

/* ------------------------------------------------------------------------
 * Cancellation sources
 * ---------------------------------------------------------------------- */

/* Read one byte. End of input (e.g. </dev/null) is not a request to cancel. */
static void read_stdin(void *arg) {
    (void)arg;
    unsigned char byte;
    if (read(STDIN_FILENO, &byte, 1) == 1)
        knot_chan_send(stdin_byte, NULL); /* buffered: never blocks */
}

/* The single owner of close(done): two sources, one close, no double-close
 * panic. `timer` is a knot_after channel, or NULL when there is no timeout
 * (a nil channel never fires). If neither source fires, this task waits
 * until the process ends. */
static void canceller(void *arg) {
    knot_chan *timer = arg;
    knot_case cases[] = {KNOT_CASE_RECV(stdin_byte, NULL), KNOT_CASE_RECV(timer, NULL)};
    /* With no timeout and no input, this waits for the process to end. */
    knot_select(cases, 2); // want: leak
    knot_chan_close(done);
    knot_chan_free(timer); /* ours alone */
}

/* ------------------------------------------------------------------------
 * main
 * ---------------------------------------------------------------------- */

struct options {
    bool verbose;
    long long cancel_after_ms; /* < 0: no timer */
    char **roots;
    int nroots;
};

static bool parse_args(int argc, char **argv, struct options *o) {
    static char *dot[] = {"."};
    *o = (struct options){false, -1, NULL, 0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-v") == 0) {
            o->verbose = true;
        } else if (strcmp(argv[i], "--cancel-after-ms") == 0 && i + 1 < argc) {
            char *end;
            o->cancel_after_ms = strtoll(argv[++i], &end, 10);
            if (*end != '\0' || o->cancel_after_ms < 0)
                return false;
        } else {
            return false;
        }
    }
    o->roots = i < argc ? &argv[i] : dot;
    o->nroots = i < argc ? argc - i : 1;
    return true;
}

static void print_disk_usage(const char *label, long long nfiles, long long nbytes) {
    printf("%s%lld files  %lld bytes\n", label, nfiles, nbytes);
}

int main(int argc, char **argv) {
    struct options opt;
    if (!parse_args(argc, argv, &opt)) {
        fputs("usage: du [-v] [--cancel-after-ms N] [dir...]\n", stderr);
        return 2;
    }

    done = knot_chan_make(0, 0);
    sema = knot_chan_make(0, MAX_OPEN_DIRS);
    knot_chan_name(done, "done");
    knot_chan_name(sema, "sema");

    stdin_byte = knot_chan_make(0, 1);
    knot_chan_name(stdin_byte, "stdin_byte");
    knot_chan *timer = NULL; /* nil: no timeout */
    if (opt.cancel_after_ms >= 0)
        timer = knot_after((uint64_t)opt.cancel_after_ms);
    knot_go(read_stdin, NULL);
    knot_go(canceller, timer);

    /* Traverse each root in parallel. */
    knot_chan *file_sizes = knot_chan_make(sizeof(int64_t), 0);
    knot_chan_name(file_sizes, "file_sizes");
    knot_wg wg = {0};
    for (int i = 0; i < opt.nroots; i++)
        spawn_walk(strdup(opt.roots[i]), &wg, file_sizes);
    struct closer_args cl = {&wg, file_sizes};
    knot_go_copy(closer, &cl, sizeof cl);

    knot_chan *tick = opt.verbose ? knot_tick(PROGRESS_MS) : NULL;
    long long nfiles = 0, nbytes = 0;
    for (bool more = true; more;) {
        int64_t size;
        knot_case cases[] = {
            KNOT_CASE_RECV(done, NULL),
            KNOT_CASE_RECV(file_sizes, &size),
            KNOT_CASE_RECV(tick, NULL),
        };
        switch (knot_select(cases, 3)) {
        case 0:
            /* Let walkers blocked on their send finish, then report. */
            while (knot_chan_recv(file_sizes, NULL))
                ;
            print_disk_usage("cancelled after ", nfiles, nbytes);
            more = false;
            break;
        case 1:
            if (!cases[1].ok) { /* closed: every walker is done */
                /* select picks at random among ready cases, so a walk cut
                 * short by cancellation can end up here too: say so. */
                print_disk_usage(cancelled() ? "cancelled after " : "", nfiles, nbytes);
                more = false;
                break;
            }
            nfiles++;
            nbytes += size;
            break;
        case 2:
            print_disk_usage("progress: ", nfiles, nbytes);
            break;
        }
    }

    /* Main was the only reader of these. `done` and `stdin_byte` are left to
     * process exit: the canceller and the stdin reader may still be waiting
     * on them. */
    knot_chan_free(tick);
    knot_chan_free(file_sizes);
    knot_chan_free(sema);
    return EXIT_SUCCESS;
}
