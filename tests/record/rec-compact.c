/* The journal's compact items read back as written: this program records
 * events with awkward values through the recorder's own entry point (tasks
 * that interleave, objects and sites that repeat and collide, `a` values of
 * every shape, negative and huge `b`s, kinds too big for the compact form,
 * events recorded from a signal handler in the middle of another's), then
 * reads its own journal with the importer's chunk reader and requires every
 * field of every event back. Run with KNOT_TRACE set. Exit 0 when all match. */
#include "../xorshift.h"
#include "internal.h"
#include "record.h"
#include "trace-journal-chunks.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define TASKS     5
#define EVENTS    60000
#define IN_SIGNAL 4000
#define FIRST_ID  1000 /* fake tasks' ids: far from the runtime's own */

typedef struct expected {
    uint64_t task, n, clock, obj, site, a, b;
    uint16_t kind;
    uint8_t phase;
} expected;

static knot__task tasks[TASKS + 1]; /* the last one records from the signal handler */
static expected want[EVENTS + IN_SIGNAL];
static volatile sig_atomic_t in_signal;
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next_random(void) { return xorshift(&rng); }

/* Values of the shapes the recorder meets, and some it should never. */
static uint64_t awkward(uint64_t r, const knot__task *t) {
    switch (r % 8) {
    case 0:
        return 0;
    case 1:
        return r >> 60; /* small */
    case 2:
        return KNOT__EVENT_ID(t->id, t->events > 3 ? t->events - (r >> 62) : 1); /* own, earlier */
    case 3:
        return KNOT__EVENT_ID(FIRST_ID + (r >> 61) % TASKS, (r >> 20) & 0xffff); /* another's */
    case 4:
        return (uint64_t)-1 - (r >> 62); /* -1, -2, ... */
    case 5:
        return KNOT__EVENT_ID(t->id, t->events + 5); /* own, but later */
    default:
        return r; /* anything */
    }
}

static void record_one(knot__task *t, expected *e, uint64_t *obj_clocks) {
    static const uint64_t sites[] = {
        0x401000, 0x401000 + 64,  0x7f0000123456,      KNOT__CHAIN_BIT | 0x1234567890abcull,
        0,        0x401000 + 128, KNOT__CHAIN_BIT | 77};
    uint64_t r = next_random();
    e->kind = (uint16_t)(r % 23 == 0 ? KNOT__C_KIND_LIMIT + r % 5 : 1 + r % 49);
    e->phase = (uint8_t)(r >> 8) % 3;
    unsigned o = (unsigned)(r >> 12) % 6;
    e->obj = o == 5 ? next_random() : (uint64_t)o * 3;
    e->site = sites[(r >> 16) % (sizeof sites / sizeof *sites)];
    e->a = awkward(next_random(), t);
    e->b = awkward(next_random(), t);
    uint64_t *obj_clock = o < 5 ? &obj_clocks[o] : NULL;
    if (obj_clock && (r >> 30) % 7 == 0)
        *obj_clock += (r >> 33) % 100000; /* a clock far ahead of the task's */
    /* From the signal handler too: what the test is about. */
    knot__emit_call( // NOLINT(bugprone-signal-handler)
        e->kind, e->phase, t, e->obj, obj_clock, e->site, e->a, e->b);
    e->task = t->id;
    e->n = t->events;
    e->clock = t->clock;
}

static uint64_t handler_clocks[5];
static size_t handler_events;

static void on_alarm(int sig) {
    (void)sig;
    if (handler_events < IN_SIGNAL)
        record_one(&tasks[TASKS], &want[EVENTS + handler_events++], handler_clocks);
}

static int compare(const knot__rec *r, const expected *e) {
    if (r->u32 != e->task || r->id != KNOT__EVENT_ID(e->task, e->n) || r->kind != e->kind ||
        r->phase != e->phase || r->clock != e->clock || r->obj != e->obj || r->site != e->site ||
        r->a != e->a || r->b != e->b) {
        fprintf(stderr,
                "rec-compact: task %llu event %llu read back as task %u id %llx kind %u phase %u "
                "clock %llu obj %llx site %llx a %llx b %llx; written kind %u phase %u clock %llu "
                "obj %llx site %llx a %llx b %llx\n",
                (unsigned long long)e->task, (unsigned long long)e->n, r->u32,
                (unsigned long long)r->id, r->kind, r->phase, (unsigned long long)r->clock,
                (unsigned long long)r->obj, (unsigned long long)r->site, (unsigned long long)r->a,
                (unsigned long long)r->b, e->kind, e->phase, (unsigned long long)e->clock,
                (unsigned long long)e->obj, (unsigned long long)e->site, (unsigned long long)e->a,
                (unsigned long long)e->b);
        return 1;
    }
    return 0;
}

int main(void) {
    const char *trace = getenv("KNOT_TRACE");
    if (!trace || !knot__tracing) {
        fputs("rec-compact: run with KNOT_TRACE set\n", stderr);
        return 2;
    }
    for (int i = 0; i <= TASKS; i++)
        tasks[i].id = FIRST_ID + (uint64_t)i;
    signal(SIGALRM, on_alarm);
    struct itimerval every = {{0, 50}, {0, 50}};
    setitimer(ITIMER_REAL, &every, NULL);
    uint64_t clocks[5] = {0};
    for (size_t i = 0; i < EVENTS; i++) {
        /* Runs of one task, as a thread's chunk mostly holds, and switches. */
        knot__task *t = &tasks[(i / (1 + i % 7)) % TASKS];
        record_one(t, &want[i], clocks);
    }
    setitimer(ITIMER_REAL, &(struct itimerval){0}, NULL);
    signal(SIGALRM, SIG_IGN);

    char path[4096];
    snprintf(path, sizeof path, "%s.knot-journal", trace);
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(path);
        return 2;
    }
    unsigned char *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        perror("mmap");
        return 2;
    }
    knot__journal_records records;
    char err[256];
    if (knot__journal_expand_chunks(map + KNOT__JOURNAL_HEADER,
                                    (size_t)st.st_size - KNOT__JOURNAL_HEADER, KNOT__JOURNAL_HEADER,
                                    &records, err, sizeof err)) {
        fprintf(stderr, "rec-compact: %s\n", err);
        return 1;
    }
    const knot__rec *recs = records.recs;
    size_t n = records.n;
    /* Events by (task, n): each task's events are numbered 1, 2, 3, ... */
    static size_t where[TASKS + 1][EVENTS + IN_SIGNAL + 1];
    size_t found = 0, payload = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t type = atomic_load_explicit(&recs[i].type, memory_order_relaxed);
        if (type == KNOT__REC_SITE || type == KNOT__REC_NAME || type == KNOT__REC_CHAIN)
            payload = (recs[i].u32 + sizeof *recs - 1) / sizeof *recs;
        else if (payload)
            payload--;
        else if (type == KNOT__REC_EVENT && recs[i].u32 >= FIRST_ID &&
                 recs[i].u32 <= FIRST_ID + TASKS) {
            uint64_t ev = recs[i].id & ((1ull << KNOT__EVENT_N_BITS) - 1);
            if (ev == 0 || ev > EVENTS + IN_SIGNAL || where[recs[i].u32 - FIRST_ID][ev]) {
                fprintf(stderr, "rec-compact: event %llx read back twice or out of range\n",
                        (unsigned long long)recs[i].id);
                return 1;
            }
            where[recs[i].u32 - FIRST_ID][ev] = i + 1;
            found++;
        }
    }
    size_t total = EVENTS + handler_events; /* the handler's follow the main loop's in want */
    for (size_t i = 0; i < total; i++) {
        const expected *e = &want[i];
        size_t at = where[e->task - FIRST_ID][e->n];
        if (!at) {
            fprintf(stderr, "rec-compact: task %llu event %llu was not read back\n",
                    (unsigned long long)e->task, (unsigned long long)e->n);
            return 1;
        }
        if (compare(&recs[at - 1], e))
            return 1;
    }
    if (found != total) {
        fprintf(stderr, "rec-compact: %zu events read back, %zu written\n", found, total);
        return 1;
    }
    printf("rec-compact: %zu events (%zu from a signal handler) read back exactly\n", total,
           handler_events);
    knot__journal_records_free(&records);
    return 0;
}
