/* A pthread barrier, built without knot: three threads meet twice. Each
 * wait is a begin and an end; the ends of a round name the begin of the
 * arrival that completed it, which got PTHREAD_BARRIER_SERIAL_THREAD. */
#include "rec-wait.h"

#include <pthread.h>
#include <stdio.h>

static pthread_barrier_t barrier;
static _Atomic int tids[2];

static void *party(void *arg) {
    atomic_store(&tids[(long)arg], rec_tid());
    int first = pthread_barrier_wait(&barrier);  /* PARTY_WAIT_1 */
    int second = pthread_barrier_wait(&barrier); /* PARTY_WAIT_2 */
    return (void *)(long)(first == 0 && (second == 0 || second == PTHREAD_BARRIER_SERIAL_THREAD));
}

int main(void) {
    int ok = pthread_barrier_init(&barrier, NULL, 3) == 0; /* BARRIER_INIT */
    pthread_t th[2];
    for (long k = 0; k < 2; k++)
        pthread_create(&th[k], NULL, party, (void *)k);
    rec_wait_asleep(&tids[0]);
    rec_wait_asleep(&tids[1]);
    /* The last to arrive: it completes the first round. */
    int serial = pthread_barrier_wait(&barrier); /* MAIN_WAIT_1 */
    ok &= serial == PTHREAD_BARRIER_SERIAL_THREAD;
    (void)pthread_barrier_wait(&barrier); /* MAIN_WAIT_2 */
    for (int k = 0; k < 2; k++) {
        void *r;
        pthread_join(th[k], &r);
        ok &= r != NULL;
    }
    ok &= pthread_barrier_destroy(&barrier) == 0; /* BARRIER_DESTROY */
    puts(ok ? "ok" : "wrong results");
    return ok ? 0 : 1;
}
