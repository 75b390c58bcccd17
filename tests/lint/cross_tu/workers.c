/* loop-capture through the spawn wrappers of spawn.c, another translation
 * unit: each bug has a correct twin beside it. */
#include "spawn.h"

#include <stdio.h>
#include <stdlib.h>

enum { NWORKERS = 4 };

static void *print_index(void *arg) {
    printf("%d\n", *(const int *)arg);
    return NULL;
}

static void *print_owned(void *arg) {
    print_index(arg);
    free(arg);
    return NULL;
}

/* Every thread reads the one `i`, which the loop keeps changing. */
void launch_all_buggy(void) {
    for (int i = 0; i < NWORKERS; i++)
        launch(print_index, &i); // want: loop-capture says: launch() in a loop hands the thread
}

/* Each thread owns a heap copy and frees it. */
void launch_all_heap(void) {
    for (int i = 0; i < NWORKERS; i++) {
        int *index = malloc(sizeof *index);
        if (!index)
            return;
        *index = i;
        if (launch(print_owned, index) != 0)
            free(index);
    }
}

/* One slot per thread in an array that outlives the loop. */
void launch_all_slots(int *slots) {
    for (int i = 0; i < NWORKERS; i++) {
        slots[i] = i;
        launch(print_index, &slots[i]);
    }
}

/* Two levels: start_worker() → launch() → pthread_create. */
void start_workers_buggy(void) {
    for (int i = 0; i < NWORKERS; i++) {
        int id = i * 10;
        start_worker(&id); // want: loop-capture says: on the heap
    }
}

/* run_and_wait() joins its thread before returning: `i` is not changed
 * while the thread runs. */
void run_each(void) {
    for (int i = 0; i < NWORKERS; i++)
        run_and_wait(print_index, &i);
}

/* A joinable thread per pass: joined in the same pass through finish(),
 * defined in the other file, is correct; without it, not. */
void spawn_each_buggy(pthread_t *threads) {
    for (int i = 0; i < NWORKERS; i++)
        spawn_thread(&threads[i], print_index, &i); // want: loop-capture
}

void spawn_each_joined(void) {
    for (int i = 0; i < NWORKERS; i++) {
        pthread_t t;
        if (spawn_thread(&t, print_index, &i) == 0)
            finish(&t);
    }
}

/* knot tasks through a wrapper, and through one that copies. */
struct order {
    long number;
    double amount;
};

static void ship(void *arg) {
    const struct order *o = arg;
    printf("order %ld: %.2f\n", o->number, o->amount);
}

void ship_all_buggy(const double *amounts, long n) {
    for (long k = 0; k < n; k++) {
        struct order o = {.number = k + 1, .amount = amounts[k]};
        go_task(ship, &o); // want: loop-capture says: knot_go_copy
    }
}

void ship_all_copied(const double *amounts, long n) {
    for (long k = 0; k < n; k++) {
        struct order o = {.number = k + 1, .amount = amounts[k]};
        go_copied(ship, &o, sizeof o);
    }
}

/* A task defined in reporters.c sends on a channel nobody here receives
 * from after the first answer. */
int first_report_buggy(void) {
    knot_chan *results = knot_chan_make(sizeof(int), 0);
    struct report reports[NWORKERS];
    for (int i = 0; i < NWORKERS; i++) {
        reports[i] = (struct report){.code = i};
        reports[i].results = results;
        knot_go(report_done, &reports[i]);
    }
    int code = -1;
    knot_chan_recv(results, &code);
    return code;
}

/* Twin: one receive per report. */
int worst_report(void) {
    knot_chan *results = knot_chan_make(sizeof(int), 0);
    struct report reports[NWORKERS];
    for (int k = 0; k < NWORKERS; k++) {
        reports[k].code = k * 2;
        reports[k].results = results;
        knot_go(report_done, &reports[k]);
    }
    int worst = 0;
    for (int k = 0; k < NWORKERS; k++) {
        int code;
        knot_chan_recv(results, &code);
        worst = code > worst ? code : worst;
    }
    return worst;
}
