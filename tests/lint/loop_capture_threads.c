/* loop-capture with platform threads: pthread_create and thrd_create. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

enum { NWORKERS = 4 };

static void *print_index(void *arg) {
    printf("worker %d\n", *(int *)arg);
    return NULL;
}

static int print_index_c11(void *arg) {
    printf("worker %d\n", *(int *)arg);
    return 0;
}

/* Every thread reads the one `i`, which the loop keeps changing. */
void start_all_buggy(pthread_t *threads) {
    for (int i = 0; i < NWORKERS; i++)
        pthread_create(&threads[i], NULL, print_index, &i); // want: loop-capture says: heap
}

/* Each thread owns its index on the heap and frees it: correct. */
static void *print_owned(void *arg) {
    int *index = arg;
    printf("worker %d\n", *index);
    free(index);
    return NULL;
}

int start_all_heap(pthread_t *threads) {
    for (int i = 0; i < NWORKERS; i++) {
        int *index = malloc(sizeof *index);
        if (!index)
            return -1;
        *index = i;
        if (pthread_create(&threads[i], NULL, print_owned, index) != 0) {
            free(index);
            return -1;
        }
    }
    return 0;
}

/* One slot per thread in an array that outlives the loop: correct. */
void start_all_slots(pthread_t *threads, int *slots) {
    for (int i = 0; i < NWORKERS; i++) {
        slots[i] = i;
        pthread_create(&threads[i], NULL, print_index, &slots[i]);
    }
}

/* The argument struct lives in the loop body and dies with the iteration. */
struct range {
    int from, to;
};

static void *sum_range(void *arg) {
    const struct range *r = arg;
    long sum = 0;
    for (int k = r->from; k < r->to; k++)
        sum += k;
    return (void *)sum;
}

void sum_chunks_buggy(pthread_t *threads, int chunk) {
    for (int i = 0; i < NWORKERS; i++) {
        struct range r = {i * chunk, (i + 1) * chunk};
        pthread_create(&threads[i], NULL, sum_range, &r); // want: loop-capture
    }
}

/* Joined before the iteration ends: the thread is done with `r`. */
long sum_chunks_sequential(int chunk) {
    long total = 0;
    for (int i = 0; i < NWORKERS; i++) {
        struct range r = {i * chunk, (i + 1) * chunk};
        pthread_t t;
        void *part;
        if (pthread_create(&t, NULL, sum_range, &r) != 0)
            return -1;
        pthread_join(t, &part);
        total += (long)part;
    }
    return total;
}

/* C11 threads have the same trap. */
void start_c11_buggy(thrd_t *threads) {
    int i = 0;
    while (i < NWORKERS) {
        thrd_create(&threads[i], print_index_c11, &i); // want: loop-capture
        i++;
    }
}

void start_c11_joined(void) {
    for (int i = 0; i < NWORKERS; i++) {
        thrd_t t;
        thrd_create(&t, print_index_c11, &i);
        thrd_join(t, NULL);
    }
}

/* A shared, read-only configuration: the same object for every thread,
 * never written in the loop. Correct. */
struct config {
    int verbose;
};

static void *use_config(void *arg) { return arg; }

void start_with_config(pthread_t *threads, int verbose) {
    struct config cfg = {verbose};
    for (int i = 0; i < NWORKERS; i++)
        pthread_create(&threads[i], NULL, use_config, &cfg);
}

/* A wrapper that starts detached threads, used in a loop. */
static int start_detached(void *(*fn)(void *), void *arg) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    return rc;
}

void start_detached_buggy(void) {
    for (int i = 0; i < NWORKERS; i++) {
        struct range r = {0, i};
        if (start_detached(sum_range, &r) != 0) // want: loop-capture
            break;
    }
}

void start_detached_heap(void) {
    for (int i = 0; i < NWORKERS; i++) {
        struct range *r = malloc(sizeof *r);
        if (!r)
            break;
        *r = (struct range){0, i};
        if (start_detached(sum_range, r) != 0)
            free(r);
    }
}

/* Two levels in one file: start_summer() → start_detached() → pthread_create. */
static int start_summer(struct range *r) { return start_detached(sum_range, r); }

void start_summers_buggy(void) {
    for (int i = 0; i < NWORKERS; i++) {
        struct range r = {0, i};
        start_summer(&r); // want: loop-capture
    }
}

void start_summers_heap(void) {
    for (int i = 0; i < NWORKERS; i++) {
        struct range *r = malloc(sizeof *r);
        if (!r)
            break;
        *r = (struct range){0, i};
        if (start_summer(r) != 0)
            free(r);
    }
}

/* One line buffer that fgets refills on every pass: each thread may see a
 * later line, or a half-written one. */
static void *handle_line(void *arg) {
    puts(arg);
    return NULL;
}

void serve_lines_buggy(FILE *in, pthread_t *threads) {
    char line[256];
    int n = 0;
    while (n < NWORKERS && fgets(line, sizeof line, in))
        pthread_create(&threads[n++], NULL, handle_line, line); // want: loop-capture
}

static void *handle_owned_line(void *arg) {
    puts(arg);
    free(arg);
    return NULL;
}

void serve_lines_copied(FILE *in, pthread_t *threads) {
    char line[256];
    int n = 0;
    while (n < NWORKERS && fgets(line, sizeof line, in)) {
        char *copy = malloc(strlen(line) + 1);
        if (!copy)
            break;
        strcpy(copy, line);
        pthread_create(&threads[n++], NULL, handle_owned_line, copy);
    }
}

/* Read-only uses of a shared object in the loop do not change it. */
static void *print_prefixed(void *arg) { return arg; }

void start_prefixed(pthread_t *threads, const char *prefix) {
    char shared[64];
    snprintf(shared, sizeof shared, "%s", prefix);
    for (int i = 0; i < NWORKERS; i++) {
        printf("starting %s %zu\n", shared, strlen(shared));
        pthread_create(&threads[i], NULL, print_prefixed, shared);
    }
}
