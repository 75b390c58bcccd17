/* loop-capture with knot tasks: knot_go, knot_group_go, helpers, macros. */
#include <knot/knot.h>

#include <stdio.h>
#include <stdlib.h>

struct job {
    const char *name;
    int id;
};

static void run_job(void *arg) {
    const struct job *j = arg;
    printf("%s %d\n", j->name, j->id);
}

static void print_id(void *arg) { printf("%d\n", *(const int *)arg); }

/* The classic: every task gets &i. */
void spawn_ids_buggy(int n) {
    for (int i = 0; i < n; i++)
        knot_go(print_id, &i); // want: loop-capture
}

/* The fix: knot_go_copy hands each task its own copy. */
void spawn_ids_copied(int n) {
    for (int i = 0; i < n; i++)
        knot_go_copy(print_id, &i, sizeof i);
}

/* An argument struct in the loop body: gone when the iteration ends. */
void spawn_jobs_buggy(const char *const *names, int n) {
    for (int i = 0; i < n; i++) {
        struct job j = {names[i], i};
        knot_go(run_job, &j); // want: loop-capture
    }
}

void spawn_jobs_copied(const char *const *names, int n) {
    for (int i = 0; i < n; i++) {
        struct job j = {names[i], i};
        knot_go_copy(run_job, &j, sizeof j);
    }
}

/* One struct outside the loop, rewritten by every iteration. */
void spawn_reused_buggy(const char *const *names, int n) {
    struct job j;
    for (int i = 0; i < n; i++) {
        j.name = names[i];
        j.id = i;
        knot_go(run_job, &j); // want: loop-capture
    }
}

/* Per-task heap storage: correct. */
static void run_owned_job(void *arg) {
    run_job(arg);
    free(arg);
}

int spawn_jobs_heap(const char *const *names, int n) {
    for (int i = 0; i < n; i++) {
        struct job *j = malloc(sizeof *j);
        if (!j)
            return -1;
        j->name = names[i];
        j->id = i;
        knot_go(run_owned_job, j);
    }
    return 0;
}

/* Waited for within the iteration: the task is done with `j` in time. */
void spawn_jobs_waited(const char *const *names, int n) {
    for (int i = 0; i < n; i++) {
        knot_wg wg = {0};
        struct job j = {names[i], i};
        knot_wg_add(&wg, 1);
        knot_go(run_job, &j);
        knot_wg_wait(&wg);
    }
}

/* A helper in this file that spawns with its argument: the bug is at the
 * helper's call in the loop. */
static int start_worker(void (*fn)(void *), void *arg) {
    int rc = knot_go(fn, arg);
    if (rc != 0)
        fprintf(stderr, "cannot start a worker: %d\n", rc);
    return rc;
}

void spawn_through_helper_buggy(int n) {
    for (int i = 0; i < n; i++)
        start_worker(print_id, &i); // want: loop-capture
}

void spawn_through_helper_ok(int *ids, int n) {
    for (int i = 0; i < n; i++)
        start_worker(print_id, &ids[i]);
}

/* A macro around the spawn: reported at the macro's use. */
#define SPAWN_WITH(fn, var) knot_go((fn), &(var))

void spawn_through_macro_buggy(int n) {
    for (int i = 0; i < n; i++)
        SPAWN_WITH(print_id, i); // want: loop-capture
}

/* The task function through a pointer: what matters is the argument. */
void spawn_through_pointer_buggy(void (*task)(void *), int n) {
    for (int i = 0; i < n; i++)
        knot_go(task, &i); // want: loop-capture
}

/* errgroup tasks. */
static int check_item(void *arg, knot_chan *done) {
    (void)done;
    return *(const int *)arg < 0;
}

int check_all_buggy(const int *items, int n) {
    knot_group *g = knot_group_make(4);
    for (int i = 0; i < n; i++) {
        int item = items[i];
        knot_group_go(g, check_item, &item); // want: loop-capture
    }
    return knot_group_wait(g);
}

int check_all_ok(const int *items, int n) {
    knot_group *g = knot_group_make(4);
    for (int i = 0; i < n; i++)
        knot_group_go(g, check_item, (void *)&items[i]);
    return knot_group_wait(g);
}

/* A static in the loop lives for the whole program: not per iteration
 * (sharing it is another matter, and not this rule's). */
void spawn_static_counter(int n) {
    for (int i = 0; i < n; i++) {
        static int calls;
        knot_go(print_id, &calls);
    }
}

/* Suppressed on purpose: every task only prints the final value. */
void spawn_suppressed(int n) {
    for (int i = 0; i < n; i++)
        knot_go(print_id, &i); // knot:ignore loop-capture
}

/* Compared, never written, in the loop: one stable object for all tasks. */
struct latch {
    int open;
};

static void wait_latch(void *arg) { (void)arg; }

void spawn_until_open(struct latch *l) {
    struct latch mine = *l;
    while (mine.open == 0 && l->open == 0)
        knot_go(wait_latch, &mine);
}

/* Calling the plain function (no call-site macro) is the same spawn. */
void spawn_plain_call_buggy(int n) {
    for (int i = 0; i < n; i++)
        (knot_go)(print_id, &i); // want: loop-capture
}

/* A helper that waits for the tasks it starts: the caller's object is only
 * used while the helper runs, so a loop may pass the same one each time. */
static void count_down(void *arg) { knot_wg_done(arg); }

static void run_round(knot_wg *wg, int n) {
    knot_wg_add(wg, n);
    for (int i = 0; i < n; i++)
        knot_go(count_down, wg);
    knot_wg_wait(wg);
}

void run_rounds(void) {
    knot_wg wg = {0};
    for (int round = 1; round <= 5; round++)
        run_round(&wg, round);
}
