/* close-by-receiver: Go in Practice's listing 3.9 and its repair, and the
 * shapes around them that are correct. */
#include <knot/knot.h>

#include <stdbool.h>
#include <stdio.h>

/* ---- listing 3.9, buggy: main receives until a timeout, then closes ---- */

static void greeter(void *arg) {
    knot_chan *msg = arg;
    const char *hello = "hello";
    for (;;) {
        knot_chan_send(msg, &hello);
        knot_sleep(50);
    }
}

int timeout_buggy(void) {
    knot_chan *msg = knot_chan_make(sizeof(const char *), 0);
    knot_chan *timeout = knot_after(200);
    knot_go(greeter, msg);
    for (;;) {
        const char *text;
        knot_case cases[] = {KNOT_CASE_RECV(msg, &text), KNOT_CASE_RECV(timeout, NULL)};
        if (knot_select(cases, 2) == 0) {
            puts(text);
            continue;
        }
        knot_chan_close(msg); // want: close-by-receiver
        return 0;
    }
}

/* ---- listing 3.9, fixed: the receiver says "done"; the sender closes ---- */

struct greeting {
    knot_chan *msg, *done;
};

static void polite_greeter(void *arg) {
    struct greeting *g = arg;
    const char *hello = "hello";
    for (;;) {
        knot_case cases[] = {KNOT_CASE_SEND(g->msg, &hello), KNOT_CASE_RECV(g->done, NULL)};
        if (knot_select(cases, 2) == 1) {
            knot_chan_close(g->msg); /* the sender closes: correct */
            return;
        }
        knot_sleep(50);
    }
}

int timeout_fixed(void) {
    knot_chan *msg = knot_chan_make(sizeof(const char *), 0);
    knot_chan *done = knot_chan_make(0, 0);
    knot_chan *timeout = knot_after(200);
    struct greeting g = {msg, done};
    knot_go(polite_greeter, &g);
    for (;;) {
        const char *text;
        knot_case cases[] = {KNOT_CASE_RECV(msg, &text), KNOT_CASE_RECV(timeout, NULL)};
        if (knot_select(cases, 2) == 0) {
            puts(text);
            continue;
        }
        knot_chan_close(done); /* main never receives from done: correct */
        while (knot_chan_recv(msg, NULL)) {
        }
        return 0;
    }
}

/* ---- a pipeline stage: receives from in, closes out (its own output) ---- */

struct stage {
    knot_chan *in, *out;
};

static void square(void *arg) {
    struct stage *s = arg;
    int v;
    while (knot_chan_recv(s->in, &v)) {
        int sq = v * v;
        knot_chan_send(s->out, &sq);
    }
    knot_chan_close(s->out);
}

void start_square(struct stage *s) { knot_go(square, s); }

/* ---- a consumer handed a channel closes it when it has had enough ---- */

int first_negative(knot_chan *numbers) {
    int v;
    while (knot_chan_recv(numbers, &v)) {
        if (v < 0) {
            knot_chan_close(numbers); // want: close-by-receiver
            return v;
        }
    }
    return 0;
}

/* The same through a struct the consumer was given. */
struct feed {
    knot_chan *items;
};

void drain_some(struct feed *f, int n) {
    for (int i = 0; i < n; i++)
        knot_chan_recv(f->items, NULL);
    knot_chan_close(f->items); // want: close-by-receiver
}

/* ---- sender and receiver in one function: it knows when sending ends ---- */

int produce_then_consume(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 4);
    for (int i = 0; i < 4; i++)
        knot_chan_send(ch, &i);
    knot_chan_close(ch);
    int sum = 0, v;
    while (knot_chan_recv(ch, &v))
        sum += v;
    knot_chan_free(ch);
    return sum;
}

/* Suppressed: this receiver is the only one who could ever send. */
void close_suppressed(knot_chan *ch) {
    knot_chan_recv(ch, NULL);
    knot_chan_close(ch); // knot:ignore close-by-receiver
}

/* ---- a macro around the close is reported where it is used ---- */

#define SHUT(ch)             \
    do {                     \
        knot_chan_close(ch); \
    } while (0)

int first_positive(knot_chan *numbers) {
    int v;
    while (knot_chan_recv(numbers, &v))
        if (v > 0)
            break;
    SHUT(numbers); // want: close-by-receiver
    return v;
}

/* ---- a worker pool: the dispatcher sends jobs and closes jobs; the workers
 * only receive from it and close nothing ---- */

struct pool {
    knot_chan *jobs, *results;
};

static void pool_worker(void *arg) {
    struct pool *p = arg;
    int job;
    while (knot_chan_recv(p->jobs, &job)) {
        int result = job * 2;
        knot_chan_send(p->results, &result);
    }
}

int run_pool(const int *jobs, int n) {
    struct pool p = {knot_chan_make(sizeof(int), 0), knot_chan_make(sizeof(int), (size_t)n)};
    for (int w = 0; w < 4; w++)
        knot_go(pool_worker, &p);
    for (int i = 0; i < n; i++)
        knot_chan_send(p.jobs, &jobs[i]);
    knot_chan_close(p.jobs);
    int sum = 0;
    for (int i = 0; i < n; i++) {
        int r;
        knot_chan_recv(p.results, &r);
        sum += r;
    }
    return sum;
}

/* ---- one task, one reply, received before the close: nobody is left to
 * send, so the close is harmless ---- */

static void answer_once(void *arg) {
    knot_chan *reply = arg;
    int answer = 42;
    knot_chan_send(reply, &answer);
}

int ask_once(void) {
    knot_chan *reply = knot_chan_make(sizeof(int), 0);
    knot_go(answer_once, reply);
    int answer;
    knot_chan_recv(reply, &answer);
    knot_chan_close(reply);
    return answer;
}

/* ---- a task given the channel closes it from an inline select: the
 * message names the task's variable and the caller's ---- */

static void ticker(void *arg) {
    knot_chan *ticks = arg;
    for (int n = 0;; n++)
        knot_chan_send(ticks, &n);
}

static void watch_ticks(void *arg) {
    knot_chan *in = arg;
    knot_chan *deadline = knot_after(100);
    int n;
    for (;;) {
        if (knot_select(((knot_case[]){KNOT_CASE_RECV(in, &n), KNOT_CASE_RECV(deadline, NULL)}),
                        2) == 1) {
            knot_chan_close(in); // want: close-by-receiver says: closes 'in' (watch()'s 'ticks')
            return;
        }
    }
}

void watch(void) {
    knot_chan *ticks = knot_chan_make(sizeof(int), 0);
    knot_go(ticker, ticks);
    knot_go(watch_ticks, ticks);
}

/* Twin: the watcher tells the ticker to stop through a done channel, and
 * the ticker closes its own channel. */
struct ticking {
    knot_chan *ticks, *done;
};

static void polite_ticker(void *arg) {
    struct ticking *t = arg;
    for (int n = 0;; n++) {
        if (knot_select(
                ((knot_case[]){KNOT_CASE_SEND(t->ticks, &n), KNOT_CASE_RECV(t->done, NULL)}), 2) ==
            1) {
            knot_chan_close(t->ticks);
            return;
        }
    }
}

static void watch_politely(void *arg) {
    struct ticking *t = arg;
    knot_chan *deadline = knot_after(100);
    int n;
    while (
        knot_select(((knot_case[]){KNOT_CASE_RECV(t->ticks, &n), KNOT_CASE_RECV(deadline, NULL)}),
                    2) == 0) {
    }
    knot_chan_close(t->done);
}

void watch_with_done(struct ticking *t) {
    knot_go(polite_ticker, t);
    knot_go(watch_politely, t);
}
