/* The fixed twin of lock-misuse-exit-holding-wrapper.c: the error path
 * releases the lock before it returns, and main waits for the job's
 * verdict through the wrapper.
 * with: support/lock-wrapper.c */
#include "support/lock-wrapper.h"

#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

static int checksum(long seq) { return seq % 7 == 3 ? -1 : (int)(seq * 31); }

static void *job(void *arg) {
    lock *done = arg;
    possess(done);
    if (checksum(3) < 0) {
        fputs("job: bad checksum\n", stderr);
        twist(done, 2);
        return NULL;
    }
    twist(done, 1);
    return NULL;
}

int main(void) {
    lock *done = new_lock(0);
    pthread_t th;
    if (pthread_create(&th, NULL, job, done) != 0)
        return 1;
    wait_for(done, 2);
    release(done);
    pthread_join(th, NULL);
    printf("job state %ld\n", peek_lock(done));
    free_lock(done);
    return 0;
}
