/* Spawn wrappers in the style of pigz's yarn.c: the threads and tasks of
 * workers.c start here, in another translation unit. */
#ifndef CROSS_TU_SPAWN_H
#define CROSS_TU_SPAWN_H

#include <knot/knot.h>

#include <pthread.h>

/* Start a detached thread running fn(arg). */
int launch(void *(*fn)(void *), void *arg);
/* A second level: a named worker thread through launch(). */
int start_worker(void *arg);
/* Start a knot task running fn(arg). */
void go_task(void (*fn)(void *), void *arg);
/* A task with its own copy of size bytes at arg. */
void go_copied(void (*fn)(void *), const void *arg, size_t size);
/* A joinable thread, as libuv's uv_thread_create and uv_thread_join. */
int spawn_thread(pthread_t *t, void *(*fn)(void *), void *arg);
int finish(pthread_t *t);
/* Run fn(arg) on a thread and wait for it: no spawn as far as arg goes. */
void *run_and_wait(void *(*fn)(void *), void *arg);

/* A task of reporters.c: sends r->code on r->results once. */
struct report {
    int code;
    knot_chan *results;
};
void report_done(void *arg);

#endif
