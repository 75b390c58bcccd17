/* select: fairness among ready cases, nil cases, the non-blocking form, and
 * the blocking form woken by each kind of partner. Fairness is checked by
 * counts over many trials within a wide statistical bound, never by time. */
#include "../harness.h"

#include <knot/knot.h>
#include <stdatomic.h>
#include <string.h>

/* A fair choice among k ready cases over n trials wins each about n/k
 * times, with a standard deviation of sqrt(n (1/k)(1 - 1/k)); the checks
 * allow 5 of them, which a fair choice exceeds about once in two million
 * checks and a choice biased by a few per cent does not stay within. */
static int five_sigma(int n, int k) {
    double p = 1.0 / k, var = n * p * (1 - p);
    int s = 1;
    while ((double)s * s < 25 * var)
        s++;
    return s;
}

static void check_uniform(const int *counts, int k, int trials) {
    int bound = five_sigma(trials, k);
    for (int i = 0; i < k; i++) {
        printf("case %d chosen %d times (%d +- %d)\n", i, counts[i], trials / k, bound);
        CHECK(counts[i] > trials / k - bound && counts[i] < trials / k + bound);
    }
}

/* Select over receives from k buffered channels, where channel i holds i
 * when it is ready, trials times; count each case's wins. A winner is
 * refilled, so the channels ready stay the same throughout. */
enum { MAX_TRIAL_CASES = 8 };

static void receive_trials(knot_chan **ch, int k, int trials, int *counts) {
    CHECK(k <= MAX_TRIAL_CASES);
    for (int t = 0; t < trials; t++) {
        int got[MAX_TRIAL_CASES];
        knot_case cs[MAX_TRIAL_CASES];
        for (int i = 0; i < k; i++)
            cs[i] = KNOT_CASE_RECV(ch[i], &got[i]);
        int r = knot_select(cs, k);
        CHECK(r >= 0 && r < k);
        CHECK(cs[r].ok);
        CHECK_EQ(got[r], r);
        counts[r]++;
        knot_chan_send(ch[r], &r); /* refill */
    }
}

/* 4 buffered channels, all ready every time: each case must win about 1/4
 * of 40000 trials. */
static void every_ready_case_is_chosen_uniformly(void) {
    enum { K = 4, TRIALS = 40000 };
    knot_chan *ch[K];
    int counts[K] = {0};
    for (int i = 0; i < K; i++) {
        ch[i] = knot_chan_make(sizeof(int), 1);
        knot_chan_send(ch[i], &i);
    }
    receive_trials(ch, K, TRIALS, counts);
    check_uniform(counts, K, TRIALS);
}

/* 5 cases of which only 3 are ever ready (the others' channels stay empty):
 * the ready ones share the wins evenly, the others never win. */
static void only_ready_cases_share_the_wins(void) {
    enum { K = 5, TRIALS = 30000 };
    knot_chan *ch[K];
    int counts[K] = {0};
    for (int i = 0; i < K; i++)
        ch[i] = knot_chan_make(sizeof(int), 1);
    const int ready[] = {0, 2, 3};
    for (int j = 0; j < 3; j++)
        knot_chan_send(ch[ready[j]], &ready[j]);
    receive_trials(ch, K, TRIALS, counts);
    CHECK_EQ(counts[1], 0);
    CHECK_EQ(counts[4], 0);
    int ready_counts[3] = {counts[0], counts[2], counts[3]};
    check_uniform(ready_counts, 3, TRIALS);
}

/* The same for send cases, and a mix of ready sends and receives. */
static void ready_sends_and_receives_are_mixed_fairly(void) {
    enum { TRIALS = 30000 };
    knot_chan *in = knot_chan_make(sizeof(int), 1);
    knot_chan *out = knot_chan_make(sizeof(int), 1);
    knot_chan *in2 = knot_chan_make(sizeof(int), 1);
    int counts[3] = {0};
    int one = 1;
    knot_chan_send(in, &one);
    knot_chan_send(in2, &one);
    for (int t = 0; t < TRIALS; t++) {
        int a, b, v = 7;
        knot_case cs[3] = {KNOT_CASE_RECV(in, &a), KNOT_CASE_SEND(out, &v),
                           KNOT_CASE_RECV(in2, &b)};
        int r = knot_select(cs, 3);
        counts[r]++;
        if (r == 0)
            knot_chan_send(in, &one);
        else if (r == 1)
            CHECK(knot_chan_recv(out, &a) && a == 7);
        else
            knot_chan_send(in2, &one);
    }
    check_uniform(counts, 3, TRIALS);
}

static void nil_cases_never_fire(void) {
    knot_chan *ready = knot_chan_make(sizeof(int), 1);
    for (int t = 0; t < 2000; t++) {
        int v = t, got = -1;
        knot_chan_send(ready, &v);
        knot_case cs[4] = {KNOT_CASE_RECV(NULL, &got), KNOT_CASE_SEND(NULL, &v),
                           KNOT_CASE_RECV(ready, &got), KNOT_CASE_RECV(NULL, NULL)};
        CHECK_EQ(knot_select(cs, 4), 2);
        CHECK_EQ(got, t);
    }
    knot_chan_free(ready);
}

static void only_nil_cases_block_forever(void) {
    int v;
    knot_case cs[2] = {KNOT_CASE_RECV(NULL, &v), KNOT_CASE_SEND(NULL, &v)};
    (void)knot_select(cs, 2); /* NIL_SELECT */
    puts("select returned");
}

static void empty_select_blocks_forever(void) {
    (void)knot_select(NULL, 0); /* EMPTY_SELECT */
    puts("select returned");
}

static void nb_returns_minus_one_exactly_when_nothing_ready(void) {
    knot_chan *a = knot_chan_make(sizeof(int), 0);
    knot_chan *b = knot_chan_make(sizeof(int), 1);
    int v = 3, got = 0;
    knot_case cs[3] = {KNOT_CASE_RECV(a, &got), KNOT_CASE_RECV(b, &got), KNOT_CASE_SEND(a, &v)};
    CHECK_EQ(knot_select_nb(cs, 3), -1); /* unbuffered, nobody waiting: not ready */
    CHECK_EQ(knot_select_nb(NULL, 0), -1);
    knot_chan_send(b, &v);
    CHECK_EQ(knot_select_nb(cs, 3), 1);
    CHECK_EQ(got, 3);
    CHECK(cs[1].ok);
    CHECK_EQ(knot_select_nb(cs, 3), -1);
    /* A full buffer makes a send case not ready; room makes it ready. */
    knot_case snd[1] = {KNOT_CASE_SEND(b, &v)};
    CHECK_EQ(knot_select_nb(snd, 1), 0);
    CHECK_EQ(knot_select_nb(snd, 1), -1);
    /* A closed channel is always ready to receive. */
    knot_chan_close(a);
    cs[0].ok = true;
    knot_case rc[1] = {KNOT_CASE_RECV(a, &got)};
    got = 99;
    CHECK_EQ(knot_select_nb(rc, 1), 0);
    CHECK(!rc[0].ok);
    CHECK_EQ(got, 0);
    knot_chan_free(a);
    knot_chan_free(b);
}

static void sender_after(void *ch) {
    knot_sleep(10);
    int v = 11;
    knot_chan_send(ch, &v);
}

static void blocking_select_is_woken_by_sender(void) {
    knot_chan *a = knot_chan_make(sizeof(int), 0);
    knot_chan *b = knot_chan_make(sizeof(int), 0);
    CHECK_EQ(knot_go(sender_after, b), 0);
    int x = 0, y = 0;
    knot_case cs[2] = {KNOT_CASE_RECV(a, &x), KNOT_CASE_RECV(b, &y)};
    CHECK_EQ(knot_select(cs, 2), 1);
    CHECK(cs[1].ok);
    CHECK_EQ(y, 11);
    CHECK_EQ(x, 0);
}

static knot_chan *receiver_done;

static void receiver_after(void *ch) {
    knot_sleep(10);
    int v = 0;
    CHECK(knot_chan_recv(ch, &v));
    CHECK_EQ(v, 21);
    puts("received 21");
    knot_chan_close(receiver_done);
}

static void blocking_select_send_is_taken_by_receiver(void) {
    knot_chan *a = knot_chan_make(sizeof(int), 0);
    knot_chan *done = knot_chan_make(0, 0);
    receiver_done = knot_chan_make(0, 0);
    CHECK_EQ(knot_go(receiver_after, a), 0);
    int v = 21, w;
    knot_case cs[2] = {KNOT_CASE_SEND(a, &v), KNOT_CASE_RECV(done, &w)};
    CHECK_EQ(knot_select(cs, 2), 0);
    CHECK(!knot_chan_recv(receiver_done, NULL)); /* it has printed */
}

static void closer_after(void *ch) {
    knot_sleep(10);
    knot_chan_close(ch);
}

static void blocking_select_is_woken_by_close(void) {
    knot_chan *a = knot_chan_make(sizeof(long), 0);
    knot_chan *b = knot_chan_make(sizeof(long), 0);
    CHECK_EQ(knot_go(closer_after, a), 0);
    long x = 5, y = 5;
    knot_case cs[2] = {KNOT_CASE_RECV(a, &x), KNOT_CASE_RECV(b, &y)};
    cs[0].ok = true;
    CHECK_EQ(knot_select(cs, 2), 0);
    CHECK(!cs[0].ok);
    CHECK_EQ(x, 0);
    CHECK_EQ(y, 5);
}

static void select_send_on_closed_panics(void) {
    knot_chan *a = knot_chan_make(sizeof(int), 1);
    knot_chan_close(a);
    int v = 1;
    knot_case cs[1] = {KNOT_CASE_SEND(a, &v)};
    (void)knot_select(cs, 1); /* SELECT_SEND_CLOSED */
}

static void parked_select_send_panics_on_close(void) {
    knot_chan *a = knot_chan_make(sizeof(int), 0);
    knot_chan *b = knot_chan_make(sizeof(int), 0);
    CHECK_EQ(knot_go(closer_after, a), 0);
    int v = 1, w;
    knot_case cs[2] = {KNOT_CASE_SEND(a, &v), KNOT_CASE_RECV(b, &w)};
    (void)knot_select(cs, 2); /* PARKED_SELECT_SEND */
    puts("select returned");
}

/* The same channel twice, and both directions of one channel: the runtime
 * must lock it once and never match a select with itself. */
static void duplicate_channels_in_one_select(void) {
    knot_chan *a = knot_chan_make(sizeof(int), 1);
    int v = 4, x = 0, y = 0;
    knot_case cs[3] = {KNOT_CASE_RECV(a, &x), KNOT_CASE_RECV(a, &y), KNOT_CASE_SEND(a, &v)};
    CHECK_EQ(knot_select(cs, 3), 2); /* empty buffer: only the send is ready */
    int r = knot_select(cs, 2);
    CHECK(r == 0 || r == 1);
    CHECK_EQ(r == 0 ? x : y, 4);
    knot_chan_free(a);
}

/* Two selects on opposite ends of two unbuffered channels must pair up,
 * whichever channel each picks: the Go idiom of a two-way rendezvous. */
typedef struct pair {
    knot_chan *a, *b;
    atomic_int done;
} pair;

static void select_peer(void *p) {
    pair *pr = p;
    for (int i = 0; i < 20000; i++) {
        int v = i, w;
        knot_case cs[2] = {KNOT_CASE_SEND(pr->a, &v), KNOT_CASE_RECV(pr->b, &w)};
        (void)knot_select(cs, 2);
    }
    atomic_store(&pr->done, 1);
}

static void selects_pair_with_selects(void) {
    pair pr = {knot_chan_make(sizeof(int), 0), knot_chan_make(sizeof(int), 0), 0};
    CHECK_EQ(knot_go(select_peer, &pr), 0);
    for (int i = 0; i < 20000; i++) {
        int v = i, w;
        knot_case cs[2] = {KNOT_CASE_RECV(pr.a, &w), KNOT_CASE_SEND(pr.b, &v)};
        int r = knot_select(cs, 2);
        if (r == 0)
            CHECK_EQ(w, i); /* lock-step: the peer is on the same iteration */
    }
    /* The peer's last select matched ours, so it finishes without blocking. */
    while (!atomic_load(&pr.done))
        knot_sleep(1);
}

/* Many cases (more than fit the runtime's on-stack arrays). */
static void many_cases(void) {
    enum { N = 64 };
    knot_chan *ch[N];
    knot_case cs[N];
    int got[N];
    for (int i = 0; i < N; i++) {
        ch[i] = knot_chan_make(sizeof(int), 1);
        cs[i] = KNOT_CASE_RECV(ch[i], &got[i]);
    }
    int v = 63;
    knot_chan_send(ch[63], &v);
    CHECK_EQ(knot_select(cs, N), 63);
    CHECK_EQ(got[63], 63);
    CHECK_EQ(knot_select_nb(cs, N), -1);
    for (int i = 0; i < N; i++)
        knot_chan_free(ch[i]);
}

static const test_case cases[] = {
    CASE(every_ready_case_is_chosen_uniformly),
    CASE(ready_sends_and_receives_are_mixed_fairly),
    CASE(only_ready_cases_share_the_wins),
    CASE(nil_cases_never_fire),
    CASE_FAILS(
        only_nil_cases_block_forever, 2,
        "all tasks are asleep - deadlock!|[select (nil chans)]|/test-select.c:{L:NIL_SELECT}"),
    CASE_FAILS(
        empty_select_blocks_forever, 2,
        "all tasks are asleep - deadlock!|[select (no cases)]|/test-select.c:{L:EMPTY_SELECT}"),
    CASE(nb_returns_minus_one_exactly_when_nothing_ready),
    CASE(blocking_select_is_woken_by_sender),
    CASE_PRINTS(blocking_select_send_is_taken_by_receiver, "received 21"),
    CASE(blocking_select_is_woken_by_close),
    CASE_FAILS(select_send_on_closed_panics, 2,
               "panic: send on closed channel|/test-select.c:{L:SELECT_SEND_CLOSED}"),
    CASE_FAILS(parked_select_send_panics_on_close, 2,
               "panic: send on closed channel|/test-select.c:{L:PARKED_SELECT_SEND}"),
    CASE(duplicate_channels_in_one_select),
    CASE(selects_pair_with_selects),
    CASE(many_cases),
};

TEST_MAIN(cases)
