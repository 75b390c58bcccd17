/* loop-capture on array elements: an array that outlives the loop, indexed
 * by something that does not give each pass its own element (double
 * buffering without waiting), next to the shapes that do. */
#include <knot/knot.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NBLOCKS = 16, NBUF = 2 };

struct block {
    int seq;
    char data[128];
};

static void *compress_block(void *arg) {
    const struct block *b = arg;
    printf("block %d: %zu bytes\n", b->seq, strlen(b->data));
    return NULL;
}

/* Two buffers in turn: block 2 overwrites pending[0] while the thread
 * started for block 0 may still be reading it. */
void compress_all_buggy(pthread_t *threads) {
    struct block pending[NBUF];
    int slot = 0;
    for (int i = 0; i < NBLOCKS; i++) {
        slot = i % NBUF;
        pending[slot].seq = i;
        snprintf(pending[slot].data, sizeof pending[slot].data, "block %d", i);
        pthread_create(&threads[i], NULL, compress_block, &pending[slot]); // want: loop-capture
    }
}

/* The same double buffering, joining the slot's previous thread before it
 * is reused: correct. */
void compress_all_joined(void) {
    struct block pending[NBUF];
    pthread_t threads[NBUF];
    for (int i = 0; i < NBLOCKS; i++) {
        int slot = i % NBUF;
        if (i >= NBUF)
            pthread_join(threads[slot], NULL);
        pending[slot].seq = i;
        pthread_create(&threads[slot], NULL, compress_block, &pending[slot]);
    }
    for (int slot = 0; slot < NBUF; slot++)
        pthread_join(threads[slot], NULL);
}

/* One element per thread, indexed by the loop counter: correct. */
void compress_all_slots(pthread_t *threads) {
    struct block blocks[NBLOCKS];
    for (int i = 0; i < NBLOCKS; i++) {
        blocks[i].seq = i;
        pthread_create(&threads[i], NULL, compress_block, &blocks[i]);
    }
    for (int i = 0; i < NBLOCKS; i++)
        pthread_join(threads[i], NULL);
}

/* A ring index that wraps: the same element again after NBUF passes. */
static void encode_frame(void *arg) {
    const struct block *b = arg;
    printf("frame %d\n", b->seq);
}

void encode_all_buggy(int nframes) {
    struct block frames[NBUF];
    int next = 0;
    for (int f = 0; f < nframes; f++) {
        frames[next].seq = f;
        knot_go(encode_frame, &frames[next]); // want: loop-capture says: 'frames[next]'
        next = (next + 1) % NBUF;
    }
}

/* The fix for tasks: each gets its own copy of the frame. */
void encode_all_copied(int nframes) {
    struct block frames[NBUF];
    int next = 0;
    for (int f = 0; f < nframes; f++) {
        frames[next].seq = f;
        knot_go_copy(encode_frame, &frames[next], sizeof frames[next]);
        next = (next + 1) % NBUF;
    }
}

/* A count that only grows indexes a fresh element each time: correct. */
int encode_until(const int *seqs, knot_wg *wg) {
    struct block frames[NBLOCKS];
    int n = 0;
    while (n < NBLOCKS && seqs[n] >= 0) {
        frames[n].seq = seqs[n];
        knot_wg_add(wg, 1);
        knot_go(encode_frame, &frames[n]);
        n++;
    }
    knot_wg_wait(wg);
    return n;
}

/* A read-only table: every task reads an element nobody writes. */
static const struct block presets[NBUF] = {{0, "fast"}, {1, "best"}};

void encode_with_presets(int nframes) {
    for (int f = 0; f < nframes; f++) {
        int level = f % NBUF;
        knot_go(encode_frame, (void *)&presets[level]);
    }
}

/* Heap copies of the slot: correct. */
static void *compress_owned(void *arg) {
    compress_block(arg);
    free(arg);
    return NULL;
}

void compress_all_heap(pthread_t *threads) {
    struct block pending[NBUF];
    for (int i = 0; i < NBLOCKS; i++) {
        int slot = i % NBUF;
        pending[slot].seq = i;
        struct block *copy = malloc(sizeof *copy);
        if (!copy)
            break;
        *copy = pending[slot];
        pthread_create(&threads[i], NULL, compress_owned, copy);
    }
}

/* An array in the loop body dies with the iteration, whatever the index. */
void compress_pairs_buggy(pthread_t *threads) {
    for (int i = 0; i < NBLOCKS; i += 2) {
        struct block pair[2] = {{i, "even"}, {i + 1, "odd"}};
        pthread_create(&threads[i], NULL, compress_block, &pair[0]);     // want: loop-capture
        pthread_create(&threads[i + 1], NULL, compress_block, &pair[1]); // want: loop-capture
    }
}

/* Filled by a call rather than an assignment: strncpy rewrites the slot
 * the previous-but-one thread was given. */
static void *show_name(void *arg) {
    fputs(arg, stderr);
    return NULL;
}

void show_names_buggy(char **names, int n, pthread_t *threads) {
    char shown[NBUF][64];
    for (int k = 0; k < n; k++) {
        int slot = k & 1;
        strncpy(shown[slot], names[k], sizeof shown[slot] - 1);
        shown[slot][63] = '\0';
        pthread_create(&threads[k], NULL, show_name, shown[slot]); // want: loop-capture
    }
}

/* Twin: one buffer per name, indexed by the loop counter. */
void show_names(char **names, pthread_t *threads) {
    char shown[NBLOCKS][64];
    for (int k = 0; k < NBLOCKS; k++) {
        snprintf(shown[k], sizeof shown[k], "%s", names[k]);
        pthread_create(&threads[k], NULL, show_name, shown[k]);
    }
}
