/* Stress: many tasks and channels with random mixes of send, receive,
 * select, non-blocking select and close. Checks that no value is lost or
 * duplicated, that each channel is FIFO (every consumer sees each producer's
 * values on a channel in sending order), and that the run ends. Also built
 * against the ThreadSanitizer runtime (tsan.stress). */
#include "../harness.h"
#include "../xorshift.h"

#include <knot/knot.h>
#include <stdatomic.h>
#include <string.h>

enum {
    NCH = 8,        /* channels */
    NPROD = 48,     /* producer tasks */
    NCONS = 24,     /* consumer tasks */
    PER_PROD = 2000 /* values each producer sends */
};

/* A value names its producer, its channel and its sequence number. */
typedef struct msg {
    int producer, channel, seq;
} msg;

static knot_chan *chans[NCH];
static knot_wg chan_senders[NCH]; /* producers still sending on each channel */
static knot_wg consumers_wg;
static atomic_uchar seen[NPROD][PER_PROD];
static atomic_int received_total;

typedef struct producer {
    int id;
    int ch[2];
    uint64_t rng;
} producer;

static void produce(void *arg) {
    producer *p = arg;
    for (int k = 0; k < PER_PROD; k++) {
        uint64_t r = xorshift(&p->rng);
        msg m[2] = {{p->id, p->ch[0], 0}, {p->id, p->ch[1], 0}};
        /* Split the values over the two channels; each channel's share stays in order. */
        int which = (int)(r & 1);
        m[which].seq = k;
        switch ((r >> 1) % 3) {
        case 0:
            knot_chan_send(chans[p->ch[which]], &m[which]);
            break;
        case 1: {
            /* A select with the other channel's case disabled (nil): still one destination. */
            knot_case cs[2] = {KNOT_CASE_SEND(which == 0 ? chans[p->ch[0]] : NULL, &m[0]),
                               KNOT_CASE_SEND(which == 1 ? chans[p->ch[1]] : NULL, &m[1])};
            CHECK_EQ(knot_select(cs, 2), which);
            break;
        }
        default: {
            knot_case cs[1] = {KNOT_CASE_SEND(chans[p->ch[which]], &m[which])};
            if (knot_select_nb(cs, 1) < 0)
                knot_chan_send(chans[p->ch[which]], &m[which]);
        }
        }
    }
    knot_wg_done(&chan_senders[p->ch[0]]);
    knot_wg_done(&chan_senders[p->ch[1]]);
}

/* Closes a channel once every producer using it is done: the sender side
 * owns the close, as in Go. */
static void closer(void *arg) {
    int c = (int)(intptr_t)arg;
    knot_wg_wait(&chan_senders[c]);
    knot_chan_close(chans[c]);
}

typedef struct consumer {
    int ch[2];
    uint64_t rng;
    int last[NPROD][NCH]; /* last seq seen per producer and channel, -1 = none */
} consumer;

static void take(consumer *c, const msg *m) {
    CHECK(m->producer >= 0 && m->producer < NPROD && m->seq >= 0 && m->seq < PER_PROD);
    CHECK(m->channel == c->ch[0] || m->channel == c->ch[1]);
    CHECK(m->seq > c->last[m->producer][m->channel]); /* FIFO per channel */
    c->last[m->producer][m->channel] = m->seq;
    CHECK_EQ(atomic_fetch_add(&seen[m->producer][m->seq], 1), 0); /* no duplicate */
    atomic_fetch_add(&received_total, 1);
}

/* Consumers 0..NCH-1 each serve one channel with plain receives, so every
 * channel always has a receiver that waits on nothing else; without that,
 * producers blocked on X while X's receivers wait on Y (whose producers are
 * blocked on X) would be a real deadlock of the test, not of the runtime.
 * The other consumers take two channels and mix blocking select, a
 * non-blocking select first, and plain receives once one channel is closed. */
static void consume(void *arg) {
    consumer *c = arg;
    knot_chan *live[2] = {chans[c->ch[0]], chans[c->ch[1]]};
    if (c->ch[0] == c->ch[1])
        live[1] = NULL;
    while (live[0] || live[1]) {
        msg m[2];
        uint64_t r = xorshift(&c->rng);
        if (!live[0] || !live[1]) {
            int i = live[0] ? 0 : 1;
            if (knot_chan_recv(live[i], &m[0]))
                take(c, &m[0]);
            else
                live[i] = NULL; /* closed and drained */
            continue;
        }
        knot_case cs[2] = {KNOT_CASE_RECV(live[0], &m[0]), KNOT_CASE_RECV(live[1], &m[1])};
        int w = (r & 1) ? knot_select_nb(cs, 2) : -1;
        if (w < 0)
            w = knot_select(cs, 2);
        if (cs[w].ok)
            take(c, &m[w]);
        else
            live[w] = NULL;
    }
    knot_wg_done(&consumers_wg);
}

static void many_tasks_random_mix(void) {
    static const size_t caps[4] = {0, 1, 4, 64};
    static producer prods[NPROD];
    static consumer cons[NCONS];
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    for (int c = 0; c < NCH; c++)
        chans[c] = knot_chan_make(sizeof(msg), caps[xorshift(&rng) % 4]);
    for (int p = 0; p < NPROD; p++) {
        prods[p] = (producer){.id = p, .rng = xorshift(&rng) | 1};
        prods[p].ch[0] = (int)(xorshift(&rng) % NCH);
        prods[p].ch[1] = (prods[p].ch[0] + 1 + (int)(xorshift(&rng) % (NCH - 1))) % NCH;
        knot_wg_add(&chan_senders[prods[p].ch[0]], 1);
        knot_wg_add(&chan_senders[prods[p].ch[1]], 1);
    }
    /* One dedicated consumer per channel, the rest on two channels each. */
    for (int i = 0; i < NCONS; i++) {
        int second = i < NCH ? i : (i * 3 + 1) % NCH;
        cons[i] = (consumer){.ch = {i % NCH, second}, .rng = xorshift(&rng) | 1};
        memset(cons[i].last, 0xff, sizeof cons[i].last);
    }
    knot_wg_add(&consumers_wg, NCONS);
    for (int i = 0; i < NCONS; i++)
        CHECK_EQ(knot_go(consume, &cons[i]), 0);
    for (int c = 0; c < NCH; c++)
        CHECK_EQ(knot_go(closer, (void *)(intptr_t)c), 0);
    for (int p = 0; p < NPROD; p++)
        CHECK_EQ(knot_go(produce, &prods[p]), 0);

    knot_wg_wait(&consumers_wg);
    CHECK_EQ(atomic_load(&received_total), NPROD * PER_PROD);
    for (int p = 0; p < NPROD; p++)
        for (int k = 0; k < PER_PROD; k++)
            CHECK_EQ(atomic_load(&seen[p][k]), 1); /* nothing lost */
    printf("%d values through %d channels by %d tasks\n", NPROD * PER_PROD, NCH,
           NPROD + NCONS + NCH);
}

/* Cancellation storm: workers offer values until quit is closed at a random
 * point. Every value a worker's select delivered must have been received, and
 * nothing else. */
enum { WORKERS = 64 };
static knot_chan *work, *quit;
static knot_wg workers_wg;
static atomic_long delivered;

static void offer(void *arg) {
    long id = (long)(intptr_t)arg;
    for (long n = 0;; n++) {
        long v = id * 1000000 + n, dummy;
        knot_case cs[2] = {KNOT_CASE_SEND(work, &v), KNOT_CASE_RECV(quit, &dummy)};
        if (knot_select(cs, 2) == 1)
            break;
        atomic_fetch_add(&delivered, 1);
    }
    knot_wg_done(&workers_wg);
}

static void close_cancels_selects(void) {
    for (int round = 0; round < 20; round++) {
        work = knot_chan_make(sizeof(long), (size_t)(round % 3) * 8);
        quit = knot_chan_make(sizeof(long), 0);
        atomic_store(&delivered, 0);
        knot_wg_add(&workers_wg, WORKERS);
        for (long i = 0; i < WORKERS; i++)
            CHECK_EQ(knot_go(offer, (void *)(intptr_t)i), 0);
        long got = 0, v;
        for (int k = 0; k < 500 + round * 300; k++) {
            CHECK(knot_chan_recv(work, &v));
            got++;
        }
        knot_chan_close(quit);
        knot_wg_wait(&workers_wg);
        /* Values already buffered were delivered too: drain them. */
        knot_case cs[1] = {KNOT_CASE_RECV(work, &v)};
        while (knot_select_nb(cs, 1) == 0)
            got++;
        CHECK_EQ(got, atomic_load(&delivered));
        knot_chan_free(work);
        knot_chan_free(quit);
    }
}

static const test_case cases[] = {
    CASE_PRINTS(many_tasks_random_mix, "96000 values through 8 channels by 80 tasks"),
    CASE(close_cancels_selects),
};

TEST_MAIN(cases)
