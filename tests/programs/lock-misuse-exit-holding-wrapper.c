/* A job thread returns on its error path while it still possesses its
 * job's lock, taken through a wrapper library; the finding must name this
 * file's line. The main thread only peeks at the value afterwards.
 * with: support/lock-wrapper.c */
#include "support/lock-wrapper.h"

#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

static int checksum(long seq) { return seq % 7 == 3 ? -1 : (int)(seq * 31); }

static void *job(void *arg) {
    lock *done = arg;
    possess(done); // want: lock-misuse
    if (checksum(3) < 0) {
        fputs("job: bad checksum\n", stderr);
        return NULL; /* BUG: still possesses done */
    }
    twist(done, 1);
    return NULL;
}

int main(void) {
    lock *done = new_lock(0);
    pthread_t th;
    if (pthread_create(&th, NULL, job, done) != 0)
        return 1;
    pthread_join(th, NULL);
    printf("job state %ld\n", peek_lock(done));
    return 0;
}
