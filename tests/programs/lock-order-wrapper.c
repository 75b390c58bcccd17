/* pigz-style code: every lock is taken through a wrapper library's
 * possess() and let go with release(). The writer takes the output lock
 * inside the job lock; 50 ms later the compressor takes them the other way
 * round. This run does not deadlock, another schedule would; the finding
 * belongs on this file's line, not inside the wrapper.
 * with: support/lock-wrapper.c */
#include "support/lock-wrapper.h"

#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static lock *jobs_lock, *out_lock;
static long written, compressed;

static void *writer(void *arg) {
    (void)arg;
    possess(jobs_lock);
    possess(out_lock);
    written++;
    release(out_lock);
    release(jobs_lock);
    return NULL;
}

static void *compressor(void *arg) {
    (void)arg;
    usleep(50 * 1000); /* the writer is long done: no deadlock in this run */
    possess(out_lock);
    possess(jobs_lock); // want: predicted lock-order
    compressed++;
    release(jobs_lock);
    release(out_lock);
    return NULL;
}

int main(void) {
    jobs_lock = new_lock(0);
    out_lock = new_lock(0);
    pthread_t w, c;
    if (pthread_create(&w, NULL, writer, NULL) != 0 ||
        pthread_create(&c, NULL, compressor, NULL) != 0)
        return 1;
    pthread_join(w, NULL);
    pthread_join(c, NULL);
    printf("written %ld, compressed %ld\n", written, compressed);
    free_lock(out_lock);
    free_lock(jobs_lock);
    return 0;
}
