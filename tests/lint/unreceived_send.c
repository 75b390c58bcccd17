/* unreceived-send: gopl's makeThumbnails4/5/6 and mirroredQuery, buggy and
 * fixed, and a channel nobody receives from. */
#include <knot/knot.h>

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* ---- thumbnails ---- */

struct outcome {
    const char *file;
    const char *err;
};

struct thumb_job {
    const char *file;
    knot_chan *outcomes;
};

static const char *make_thumbnail(const char *file) {
    return strncmp(file, "bad", 3) == 0 ? "not a JPEG file" : NULL;
}

static void thumb_worker(void *arg) {
    const struct thumb_job *j = arg;
    struct outcome o = {j->file, make_thumbnail(j->file)};
    knot_chan_send(j->outcomes, &o); // want: unreceived-send
}

/* makeThumbnails4: returns at the first error; the senders not yet
 * received from block forever. */
const char *thumbnails4(const char *const *files, int n) {
    knot_chan *outcomes = knot_chan_make(sizeof(struct outcome), 0);
    for (int i = 0; i < n; i++) {
        struct thumb_job j = {files[i], outcomes};
        knot_go_copy(thumb_worker, &j, sizeof j);
    }
    for (int i = 0; i < n; i++) {
        struct outcome o;
        knot_chan_recv(outcomes, &o);
        if (o.err)
            return o.err;
    }
    return NULL;
}

/* makeThumbnails5: a buffer with room for every sender, so an early
 * return strands nobody. */
static void thumb_worker5(void *arg) {
    const struct thumb_job *j = arg;
    struct outcome o = {j->file, make_thumbnail(j->file)};
    knot_chan_send(j->outcomes, &o);
}

const char *thumbnails5(const char *const *files, int n) {
    knot_chan *outcomes = knot_chan_make(sizeof(struct outcome), (size_t)n);
    for (int i = 0; i < n; i++) {
        struct thumb_job j = {files[i], outcomes};
        knot_go_copy(thumb_worker5, &j, sizeof j);
    }
    for (int i = 0; i < n; i++) {
        struct outcome o;
        knot_chan_recv(outcomes, &o);
        if (o.err)
            return o.err;
    }
    return NULL;
}

/* makeThumbnails6: a wait group and a closer; the receive loop runs until
 * the channel is closed. */
struct size_job {
    const char *file;
    knot_chan *sizes;
    knot_wg *wg;
};

static void size_worker(void *arg) {
    const struct size_job *j = arg;
    long size = (long)strlen(j->file) * 100;
    knot_chan_send(j->sizes, &size);
    knot_wg_done(j->wg);
}

struct closer_job {
    knot_chan *sizes;
    knot_wg *wg;
};

static void closer(void *arg) {
    const struct closer_job *c = arg;
    knot_wg_wait(c->wg);
    knot_chan_close(c->sizes);
}

long thumbnails6(const char *const *files, int n) {
    knot_chan *sizes = knot_chan_make(sizeof(long), 0);
    knot_wg wg = {0};
    for (int i = 0; i < n; i++) {
        knot_wg_add(&wg, 1);
        struct size_job j = {files[i], sizes, &wg};
        knot_go_copy(size_worker, &j, sizeof j);
    }
    struct closer_job c = {sizes, &wg};
    knot_go_copy(closer, &c, sizeof c);
    long total = 0, size;
    for (;;) {
        if (!knot_chan_recv(sizes, &size))
            break;
        total += size;
    }
    return total;
}

/* ---- mirroredQuery ---- */

struct query {
    const char *mirror;
    knot_chan *responses;
};

static void ask_mirror(void *arg) {
    const struct query *q = arg;
    const char *answer = q->mirror;
    knot_chan_send(q->responses, &answer); // want: unreceived-send
}

/* Three mirrors answer, the first answer wins, the two slower senders are
 * stuck forever on the unbuffered channel. */
const char *mirrored_query_buggy(void) {
    knot_chan *responses = knot_chan_make(sizeof(const char *), 0);
    struct query asia = {"asia.gopl.io", responses};
    struct query europe = {"europe.gopl.io", responses};
    struct query americas = {"americas.gopl.io", responses};
    knot_go_copy(ask_mirror, &asia, sizeof asia);
    knot_go_copy(ask_mirror, &europe, sizeof europe);
    knot_go_copy(ask_mirror, &americas, sizeof americas);
    const char *first;
    knot_chan_recv(responses, &first);
    return first;
}

static void ask_mirror_buffered(void *arg) {
    const struct query *q = arg;
    const char *answer = q->mirror;
    knot_chan_send(q->responses, &answer);
}

/* The fix: a buffer of three, one slot per mirror. */
const char *mirrored_query_fixed(void) {
    knot_chan *responses = knot_chan_make(sizeof(const char *), 3);
    struct query asia = {"asia.gopl.io", responses};
    struct query europe = {"europe.gopl.io", responses};
    struct query americas = {"americas.gopl.io", responses};
    knot_go_copy(ask_mirror_buffered, &asia, sizeof asia);
    knot_go_copy(ask_mirror_buffered, &europe, sizeof europe);
    knot_go_copy(ask_mirror_buffered, &americas, sizeof americas);
    const char *first;
    knot_chan_recv(responses, &first);
    return first;
}

/* ---- nobody receives ---- */

static void report_done(void *arg) {
    knot_chan *done = arg;
    bool ok = true;
    knot_chan_send(done, &ok); // want: unreceived-send
}

void fire_and_forget(void) {
    knot_chan *done = knot_chan_make(sizeof(bool), 0);
    knot_go(report_done, done);
}

/* The same with room for the one value: the send completes. */
static void report_done_buffered(void *arg) {
    knot_chan *done = arg;
    bool ok = true;
    knot_chan_send(done, &ok);
}

void fire_and_forget_buffered(void) {
    knot_chan *done = knot_chan_make(sizeof(bool), 1);
    knot_go(report_done_buffered, done);
}

/* ---- a producer that can be cancelled: its send is in a select ---- */

struct producer {
    knot_chan *out, *quit;
};

static void produce(void *arg) {
    struct producer *p = arg;
    for (int i = 0;; i++) {
        knot_case cases[] = {KNOT_CASE_SEND(p->out, &i), KNOT_CASE_RECV(p->quit, NULL)};
        if (knot_select(cases, 2) == 1)
            return;
    }
}

int first_over(int limit) {
    knot_chan *out = knot_chan_make(sizeof(int), 0);
    knot_chan *quit = knot_chan_make(0, 0);
    struct producer p = {out, quit};
    knot_go(produce, &p);
    int v;
    while (knot_chan_recv(out, &v))
        if (v > limit)
            break;
    knot_chan_close(quit);
    return v;
}

/* ---- a producer whose consumer stops early: the producer is stuck ---- */

static void count_up(void *arg) {
    knot_chan *out = arg;
    for (int i = 0; i < 100; i++)
        knot_chan_send(out, &i); // want: unreceived-send
}

int first_even_over(int limit) {
    knot_chan *out = knot_chan_make(sizeof(int), 0);
    knot_go(count_up, out);
    int v;
    while (knot_chan_recv(out, &v))
        if (v > limit && v % 2 == 0)
            break;
    return v;
}

/* ---- every value received: correct ---- */

static void count_to_ten(void *arg) {
    knot_chan *out = arg;
    for (int i = 0; i < 10; i++)
        knot_chan_send(out, &i);
    knot_chan_close(out);
}

int sum_to_ten(void) {
    knot_chan *out = knot_chan_make(sizeof(int), 0);
    knot_go(count_to_ten, out);
    int v, sum = 0;
    while (knot_chan_recv(out, &v))
        sum += v;
    return sum;
}

/* ---- the channel goes to code the linter cannot see: no guess ---- */

void register_channel(knot_chan *ch);

void handed_elsewhere(void) {
    knot_chan *done = knot_chan_make(sizeof(bool), 0);
    knot_go(report_done_buffered, done);
    register_channel(done);
}

/* ---- a receiver that stops once it has counted every sender: correct ---- */

static void measure(void *arg) {
    knot_chan *sizes = arg;
    long size = 4096;
    knot_chan_send(sizes, &size);
}

long total_size(int n) {
    knot_chan *sizes = knot_chan_make(sizeof(long), 0);
    for (int i = 0; i < n; i++)
        knot_go(measure, sizes);
    long total = 0, size;
    int got = 0;
    for (;;) {
        knot_chan_recv(sizes, &size);
        total += size;
        if (++got == n)
            break;
    }
    return total;
}

/* ---- an error path between starting the sender and receiving ---- */

struct request {
    const char *url;
    knot_chan *reply;
};

static void fetch(void *arg) {
    const struct request *r = arg;
    int status = r->url[0] ? 200 : 404;
    knot_chan_send(r->reply, &status); // want: unreceived-send
}

int fetch_checked(const char *url, int (*validate)(const char *)) {
    knot_chan *reply = knot_chan_make(sizeof(int), 0);
    struct request r = {url, reply};
    knot_go_copy(fetch, &r, sizeof r);
    if (validate(url) != 0)
        return -1; /* the fetch task is left sending forever */
    int status;
    knot_chan_recv(reply, &status);
    return status;
}

/* Validating before starting the task, or receiving on the error path
 * too, is correct. */
static void fetch_ok(void *arg) {
    const struct request *r = arg;
    int status = r->url[0] ? 200 : 404;
    knot_chan_send(r->reply, &status);
}

int fetch_checked_first(const char *url, int (*validate)(const char *)) {
    if (validate(url) != 0)
        return -1;
    knot_chan *reply = knot_chan_make(sizeof(int), 0);
    struct request r = {url, reply};
    knot_go_copy(fetch_ok, &r, sizeof r);
    int status;
    knot_chan_recv(reply, &status);
    return status;
}

int fetch_checked_drained(const char *url, int (*validate)(const char *)) {
    knot_chan *reply = knot_chan_make(sizeof(int), 0);
    struct request r = {url, reply};
    knot_go_copy(fetch_ok, &r, sizeof r);
    int status;
    if (validate(url) != 0) {
        knot_chan_recv(reply, &status);
        return -1;
    }
    knot_chan_recv(reply, &status);
    return status;
}
