/*
 * cacheline: the hardware floor under every cross-thread hand-off.
 *
 * Two threads bounce one cache line (an atomic flag) back and forth, spinning,
 * and the program prints the nanoseconds per round trip. A knot channel
 * hand-off between tasks on different cores moves several such lines (the
 * channel's lock, the waiter, the value), so this figure bounds how fast
 * ping-pong can ever be with OS-thread tasks; Go's goroutines, switched on one
 * core, do not pay it. It varies with where the virtual CPUs sit on the host,
 * which is why run-chan.sh prints it beside the ratios.
 *
 * usage: bench_cacheline [N=1000000]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static _Atomic int flag __attribute__((aligned(64)));
static long rounds;

static void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void *partner(void *arg) {
    (void)arg;
    for (long i = 0; i < rounds; i++) {
        while (atomic_load_explicit(&flag, memory_order_acquire) != 1)
            relax();
        atomic_store_explicit(&flag, 0, memory_order_release);
    }
    return NULL;
}

int main(int argc, char **argv) {
    rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 1000000;
    if (rounds <= 0) {
        fputs("usage: bench_cacheline [N>0]\n", stderr);
        return 2;
    }
    pthread_t th;
    if (pthread_create(&th, NULL, partner, NULL) != 0) {
        fputs("pthread_create failed\n", stderr);
        return 1;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < rounds; i++) {
        atomic_store_explicit(&flag, 1, memory_order_release);
        while (atomic_load_explicit(&flag, memory_order_acquire) != 0)
            relax();
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    pthread_join(th, NULL);
    double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
    printf("%.0f\n", ns / (double)rounds);
    return 0;
}
