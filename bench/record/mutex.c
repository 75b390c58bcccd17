/*
 * mutex: two threads each take and release one pthread mutex N times
 * (default 10^6), the workload the recording benchmark compares knot's
 * tracing against ThreadSanitizer and Helgrind on. Plain pthreads: knot
 * records it through its preloaded runtime.
 *
 * usage: bench_mutex [N=1000000]   prints the final counter (2N)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter, rounds;

static void *work(void *arg) {
    for (long i = 0; i < rounds; i++) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
    }
    return arg;
}

int main(int argc, char **argv) {
    rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    if (rounds <= 0) {
        fputs("usage: bench_mutex [N>0]\n", stderr);
        return 2;
    }
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        if (pthread_create(&t[i], NULL, work, NULL) != 0)
            return 1;
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("%ld\n", counter);
    return counter == 2 * rounds ? 0 : 1;
}
