/* Channels: one case per row of Go's semantics table, and per channel API
 * function. Blocking is shown without timing: a blocked main ends in the
 * deadlock detector's report, naming the blocked operation. */
#include "../harness.h"

#include <knot/knot.h>
#include <stdatomic.h>
#include <string.h>

/* ---- send ------------------------------------------------------------------ */

static void send_nil_blocks_forever(void) {
    int v = 1;
    knot_chan_send(NULL, &v);
    puts("send on nil channel returned");
}

static void ender(void *arg) {
    (void)arg;
    knot_sleep(20);
    puts("main still blocked");
    exit(0);
}

/* With another task alive (sleeping), a nil send just blocks: no deadlock
 * report, and the program ends when that task exits. */
static void send_nil_blocks_while_others_live(void) {
    int v = 1;
    CHECK_EQ(knot_go(ender, NULL), 0);
    knot_chan_send(NULL, &v);
    puts("send on nil channel returned");
}

static atomic_int sent_flag;

static void send_then_flag(void *ch) {
    int v = 42;
    knot_chan_send(ch, &v);
    atomic_store(&sent_flag, 1);
}

/* The send cannot complete before the receive: the flag is still clear when
 * the receive starts, however the tasks are scheduled. */
static void send_unbuffered_waits_for_receiver(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 0);
    CHECK_EQ(knot_go(send_then_flag, ch), 0);
    knot_sleep(10); /* give the sender every chance to (wrongly) finish */
    CHECK_EQ(atomic_load(&sent_flag), 0);
    int v = 0;
    CHECK(knot_chan_recv(ch, &v));
    CHECK_EQ(v, 42);
    knot_chan_free(ch);
}

static void send_buffered_room_does_not_block(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 3);
    for (int i = 0; i < 3; i++)
        knot_chan_send(ch, &i);
    CHECK_EQ(knot_chan_len(ch), 3);
    for (int i = 0; i < 3; i++) {
        int v = -1;
        CHECK(knot_chan_recv(ch, &v));
        CHECK_EQ(v, i);
    }
    knot_chan_free(ch);
}

static void send_buffered_full_blocks(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 2);
    for (int i = 0; i < 3; i++)
        knot_chan_send(ch, &i); /* FULL_SEND */
    puts("third send returned");
}

static void send_closed_panics(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 1);
    knot_chan_name(ch, "results");
    knot_chan_close(ch);
    int v = 1;
    knot_chan_send(ch, &v); /* SEND_CLOSED */
    puts("send on closed channel returned");
}

/* ---- recv ------------------------------------------------------------------ */

static void recv_nil_blocks_forever(void) {
    int v;
    (void)knot_chan_recv(NULL, &v);
    puts("receive on nil channel returned");
}

static void send_seq(void *ch) {
    for (int i = 1; i <= 100; i++)
        knot_chan_send(ch, &i);
}

static void recv_open_gets_values_in_order(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 0);
    CHECK_EQ(knot_go(send_seq, ch), 0);
    for (int i = 1; i <= 100; i++) {
        int v = 0;
        CHECK(knot_chan_recv(ch, &v));
        CHECK_EQ(v, i);
    }
}

static void recv_closed_drains_then_false_and_zero(void) {
    knot_chan *ch = knot_chan_make(sizeof(long), 2);
    long a = 7, b = 8, v;
    knot_chan_send(ch, &a);
    knot_chan_send(ch, &b);
    knot_chan_close(ch);
    CHECK(knot_chan_recv(ch, &v));
    CHECK_EQ(v, 7);
    CHECK(knot_chan_recv(ch, &v));
    CHECK_EQ(v, 8);
    memset(&v, 0xAB, sizeof v);
    CHECK(!knot_chan_recv(ch, &v));
    CHECK_EQ(v, 0);
    CHECK(!knot_chan_recv(ch, NULL)); /* again, and with elem NULL */
    knot_chan_free(ch);
}

/* ---- close ----------------------------------------------------------------- */

static void close_nil_panics(void) { knot_chan_close(NULL); }

static knot_wg close_wg;
static atomic_int woke_false;

static void recv_until_closed(void *ch) {
    long v = 99;
    if (!knot_chan_recv(ch, &v) && v == 0)
        atomic_fetch_add(&woke_false, 1);
    knot_wg_done(&close_wg);
}

static void close_wakes_all_receivers(void) {
    knot_chan *ch = knot_chan_make(sizeof(long), 0);
    knot_chan *gate = knot_chan_make(0, 0);
    enum { N = 16 };
    knot_wg_add(&close_wg, N);
    for (int i = 0; i < N; i++)
        CHECK_EQ(knot_go(recv_until_closed, ch), 0);
    /* Not every receiver need be parked yet; a late one sees closed at once.
     * Either way each gets false and a zero value. */
    knot_chan_close(ch);
    knot_wg_wait(&close_wg);
    CHECK_EQ(atomic_load(&woke_false), N);
    knot_chan_free(gate);
    knot_chan_free(ch);
}

static atomic_int sender_sending;

static void blocked_sender(void *ch) {
    int v = 5;
    atomic_store(&sender_sending, 1);
    knot_chan_send(ch, &v); /* parked when the close comes: must panic */
    puts("blocked send returned");
}

static void close_makes_blocked_sender_panic(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 0);
    CHECK_EQ(knot_go(blocked_sender, ch), 0); /* SPAWN_BLOCKED */
    knot_sleep(20); /* let it park; if it has not, its send panics all the same */
    knot_chan_close(ch);
    knot_sleep(5000); /* the sender's panic ends the process first */
    puts("no panic");
}

static void close_closed_panics(void) {
    knot_chan *ch = knot_chan_make(0, 0);
    knot_chan_close(ch);
    knot_chan_close(ch); /* SECOND_CLOSE */
}

/* ---- the rest of the channel API ------------------------------------------ */

static void len_and_cap(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 4);
    CHECK_EQ(knot_chan_cap(ch), 4);
    CHECK_EQ(knot_chan_len(ch), 0);
    int v = 1;
    knot_chan_send(ch, &v);
    knot_chan_send(ch, &v);
    CHECK_EQ(knot_chan_len(ch), 2);
    (void)knot_chan_recv(ch, NULL);
    CHECK_EQ(knot_chan_len(ch), 1);
    knot_chan *u = knot_chan_make(sizeof(int), 0);
    CHECK_EQ(knot_chan_cap(u), 0);
    CHECK_EQ(knot_chan_len(u), 0);
    CHECK_EQ(knot_chan_cap(NULL), 0);
    CHECK_EQ(knot_chan_len(NULL), 0);
    knot_chan_free(ch);
    knot_chan_free(u);
    knot_chan_free(NULL); /* ignored, as documented */
}

static void big_elements_are_copied_whole(void) {
    struct big {
        char text[300];
        long n;
    } in = {.n = 12345}, out;
    strcpy(in.text, "a value larger than a register");
    knot_chan *ch = knot_chan_make(sizeof in, 1);
    knot_chan_send(ch, &in);
    memset(&in, 0, sizeof in); /* the channel holds its own copy */
    CHECK(knot_chan_recv(ch, &out));
    CHECK(strcmp(out.text, "a value larger than a register") == 0);
    CHECK_EQ(out.n, 12345);
    knot_chan_free(ch);
}

static void zero_size_elements(void) {
    knot_chan *ch = knot_chan_make(0, 2);
    knot_chan_send(ch, NULL);
    knot_chan_send(ch, NULL);
    CHECK_EQ(knot_chan_len(ch), 2);
    CHECK(knot_chan_recv(ch, NULL));
    knot_chan_close(ch);
    CHECK(knot_chan_recv(ch, NULL));
    CHECK(!knot_chan_recv(ch, NULL));
    knot_chan_free(ch);
}

static void free_with_blocked_task_panics(void) {
    knot_chan *ch = knot_chan_make(sizeof(int), 0);
    CHECK_EQ(knot_go(blocked_sender, ch), 0);
    while (!atomic_load(&sender_sending))
        knot_sleep(1);
    knot_sleep(50); /* it is in its send now; give it time to park */
    while (1) {
        knot_chan_free(ch);
        /* Only reached if the sender had not parked yet: retry would be a
         * use after free, so say so instead of pretending. */
        puts("sender was not parked yet");
        exit(3);
    }
}

static void name_appears_in_panic(void) {
    knot_chan *ch = knot_chan_make(0, 0);
    knot_chan_name(ch, "jobs queue");
    knot_chan_close(ch);
    knot_chan_close(ch);
}

static void unnamed_panic_names_creation_site(void) {
    knot_chan *ch = knot_chan_make(0, 0); /* MADE_HERE */
    knot_chan_close(ch);
    knot_chan_close(ch);
}

/* The plain functions (no site macro) work and report an unknown site. */
static void plain_functions_work(void) {
    knot_chan *ch = (knot_chan_make)(sizeof(int), 1);
    int v = 3, w = 0;
    (knot_chan_send)(ch, &v);
    CHECK((knot_chan_recv)(ch, &w));
    CHECK_EQ(w, 3);
    (knot_chan_close)(ch);
    CHECK(!(knot_chan_recv)(ch, &w));
    (knot_chan_free)(ch);
}

static const test_case cases[] = {
    CASE_FAILS(send_nil_blocks_forever, 2,
               "fatal error: all tasks are asleep - deadlock!|task 1 [chan send (nil chan)]|"
               "test-chan.c:{L:knot_chan_send(NULL, &v);} in send_nil_blocks_forever()"),
    CASE_PRINTS(send_nil_blocks_while_others_live, "main still blocked"),
    CASE(send_unbuffered_waits_for_receiver),
    CASE(send_buffered_room_does_not_block),
    CASE_FAILS(send_buffered_full_blocks, 2,
               "all tasks are asleep - deadlock!|[chan send]|test-chan.c:{L:FULL_SEND}"),
    CASE_FAILS(send_closed_panics, 2,
               "panic: send on closed channel|channel \"results\"|task 1 [running]|"
               "test-chan.c:{L:SEND_CLOSED} in send_closed_panics()"),
    CASE_FAILS(recv_nil_blocks_forever, 2,
               "deadlock!|[chan receive (nil chan)]|test-chan.c:{L:knot_chan_recv(NULL, &v)}"),
    CASE(recv_open_gets_values_in_order),
    CASE(recv_closed_drains_then_false_and_zero),
    CASE_FAILS(close_nil_panics, 2,
               "panic: close of nil channel|test-chan.c:{L:knot_chan_close(NULL)}"),
    CASE(close_wakes_all_receivers),
    CASE_FAILS(close_makes_blocked_sender_panic, 2,
               "panic: send on closed channel|task 2 [running]|test-chan.c:{L:parked when} in "
               "blocked_sender()|"
               "created by task 1 at /|/test-chan.c:{L:SPAWN_BLOCKED} in "
               "close_makes_blocked_sender_panic()"),
    CASE_FAILS(close_closed_panics, 2,
               "panic: close of closed channel|test-chan.c:{L:SECOND_CLOSE}"),
    CASE(len_and_cap),
    CASE(big_elements_are_copied_whole),
    CASE(zero_size_elements),
    CASE_FAILS(free_with_blocked_task_panics, 2, "panic: free of channel with blocked tasks"),
    CASE_FAILS(name_appears_in_panic, 2, "close of closed channel|channel \"jobs queue\" made at"),
    CASE_FAILS(unnamed_panic_names_creation_site, 2,
               "close of closed channel|channel made at /|/test-chan.c:{L:MADE_HERE} in "
               "unnamed_panic_names_creation_site()"),
    CASE(plain_functions_work),
};

TEST_MAIN(cases)
