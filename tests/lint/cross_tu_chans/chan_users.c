/* unreceived-send and close-by-receiver through the channel helpers of
 * chan_helpers.c, another translation unit: each bug has a correct twin
 * beside it. */
#include "chan_helpers.h"

#include <stdio.h>

struct job {
    int value;
    knot_chan *results;
};

/* ---- a task sends through produce(); nobody receives ---- */

static void double_worker(void *arg) {
    const struct job *j = arg;
    produce(j->results, j->value * 2); // want: unreceived-send says: in produce()
}

/* Starts a worker per value and returns without taking any result. */
void start_all_forgotten(const int *values, int n) {
    knot_chan *results = knot_chan_make(sizeof(int), 0);
    for (int i = 0; i < n; i++) {
        struct job j = {values[i], results};
        knot_go_copy(double_worker, &j, sizeof j);
    }
}

/* Twin: take() receives every result. */
int sum_all(const int *values, int n) {
    knot_chan *results = knot_chan_make(sizeof(int), 0);
    for (int i = 0; i < n; i++) {
        struct job j = {values[i], results};
        knot_go_copy(double_worker, &j, sizeof j);
    }
    int sum = take(results, n);
    knot_chan_free(results);
    return sum;
}

/* Twin: handed to a function linted nowhere, the channel may be drained
 * there; the rule cannot tell, and stays silent. */
void hand_off(knot_chan *ch);

void start_all_handed_off(const int *values, int n) {
    knot_chan *results = knot_chan_make(sizeof(int), 0);
    for (int i = 0; i < n; i++) {
        struct job j = {values[i], results};
        knot_go_copy(double_worker, &j, sizeof j);
    }
    hand_off(results);
}

/* ---- two levels: emit_result() → produce() ---- */

static void relay_worker(void *arg) {
    const struct job *j = arg;
    emit_result(j->results, j->value); // want: unreceived-send says: in emit_result()
}

void relay_all_forgotten(const int *values, int n) {
    knot_chan *results = knot_chan_make(sizeof(int), 0);
    for (int i = 0; i < n; i++) {
        struct job j = {values[i], results};
        knot_go_copy(relay_worker, &j, sizeof j);
    }
    log_queue("relays", results); /* looks, does not receive */
}

/* Twin: room in the buffer for every result. */
void relay_all_buffered(const int *values) {
    knot_chan *results = knot_chan_make(sizeof(int), 4);
    for (int i = 0; i < 4; i++) {
        struct job j = {values[i], results};
        knot_go_copy(relay_worker, &j, sizeof j);
    }
}

/* ---- the receiving helper stops at the first negative value ---- */

static void offset_worker(void *arg) {
    const struct job *j = arg;
    produce(j->results, j->value - 10); // want: unreceived-send says: in first_negative()
}

int find_negative(const int *values, int n) {
    knot_chan *results = knot_chan_make(sizeof(int), 0);
    for (int i = 0; i < n; i++) {
        struct job j = {values[i], results};
        knot_go_copy(offset_worker, &j, sizeof j);
    }
    return first_negative(results);
}

/* Twin: every result is received, and the negative ones counted. */
int count_negative(const int *values, int n) {
    knot_chan *results = knot_chan_make(sizeof(int), n);
    for (int i = 0; i < n; i++) {
        struct job j = {values[i], results};
        knot_go_copy(offset_worker, &j, sizeof j);
    }
    int negative = 0;
    for (int i = 0; i < n; i++) {
        int v;
        knot_chan_recv(results, &v);
        negative += v < 0;
    }
    return negative;
}

/* ---- the function that makes the channel sends through a helper ---- */

/* The status goes out on an unbuffered channel nobody reads. */
void report_status_lost(int status) {
    knot_chan *status_ch = knot_chan_make(sizeof(int), 0);
    produce(status_ch, status); // want: unreceived-send says: nothing ever receives
    knot_chan_free(status_ch);
}

/* Twin: room for it. */
void report_status_buffered(int status) {
    knot_chan *status_ch = knot_chan_make(sizeof(int), 1);
    produce(status_ch, status);
    knot_chan_free(status_ch);
}

/* ---- close-by-receiver: the close, or the receive, in a helper ---- */

/* Takes one value, then closes the channel its sender still writes to. */
int take_first(knot_chan *in) {
    int v = 0;
    knot_chan_recv(in, &v);
    finish(in); // want: close-by-receiver says: through finish()
    return v;
}

/* Twin: the sender closes, through the same helper. */
void send_last(knot_chan *out, int v) {
    knot_chan_send(out, &v);
    finish(out);
}

/* Stops listening at the first negative value and closes the channel, as if
 * that told the sender to stop: its next send panics. */
void stop_at_negative(knot_chan *in) {
    int v = first_negative(in);
    printf("first negative: %d\n", v);
    knot_chan_close(in); // want: close-by-receiver
}

/* Twin: the sender sends everything through a helper, then closes. */
void send_all_and_close(knot_chan *out, int n) {
    produce_range(out, n);
    knot_chan_close(out);
}

/* ---- a task drains the channel through a helper ---- */

static void summer(void *arg) { printf("sum %d\n", drain(arg)); }

/* Twin: the sends are all received, by drain() in the task. */
void feed(int n) {
    knot_chan *numbers = knot_chan_make(sizeof(int), 0);
    knot_go(summer, numbers);
    for (int i = 0; i < n; i++)
        knot_chan_send(numbers, &i);
}
