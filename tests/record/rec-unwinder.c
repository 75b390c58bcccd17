/* A plain pthread program that brings its own _Unwind_Backtrace, as one
 * linking nongnu libunwind does (perf, for one): exported from the
 * executable, it serves every library, the recorder's call-chain unwinding
 * included. Like libunwind's, it holds a mutex of its own while it unwinds
 * and makes another one there. The recorder must neither record those nor
 * unwind again inside it: that waited forever for the held mutex.
 *
 * Prints "ok" when its locks counted right and the recorder did unwind
 * through this function (else the test would prove nothing). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unwind.h>

typedef _Unwind_Reason_Code (*backtrace_fn)(_Unwind_Trace_Fn, void *);

static pthread_mutex_t unwinder_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int unwinds;

_Unwind_Reason_Code _Unwind_Backtrace(_Unwind_Trace_Fn fn, void *arg) {
    backtrace_fn next = (backtrace_fn)dlsym(RTLD_NEXT, "_Unwind_Backtrace");
    if (!next)
        return _URC_FATAL_PHASE1_ERROR;
    pthread_mutex_lock(&unwinder_lock);
    pthread_mutex_t scratch;
    pthread_mutex_init(&scratch, NULL);
    pthread_mutex_lock(&scratch);
    pthread_mutex_unlock(&scratch);
    pthread_mutex_destroy(&scratch);
    atomic_fetch_add(&unwinds, 1);
    _Unwind_Reason_Code rc = next(fn, arg);
    pthread_mutex_unlock(&unwinder_lock);
    return rc;
}

static pthread_mutex_t mu;
static long counter;

/* A wrapper, so that the lock's call chain has a frame to find. */
static __attribute__((noinline)) void locked_add(long n) {
    pthread_mutex_lock(&mu); /* UNWINDER_LOCK */
    counter += n;
    pthread_mutex_unlock(&mu);
}

static void *work(void *arg) {
    for (int i = 0; i < 100; i++)
        locked_add(1);
    return arg;
}

int main(void) {
    pthread_mutex_init(&mu, NULL);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        if (pthread_create(&t[i], NULL, work, NULL) != 0)
            return 1;
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    pthread_mutex_destroy(&mu);
    int seen = atomic_load(&unwinds);
    if (counter == 200 && seen > 0)
        puts("ok");
    else
        printf("counter %ld, unwinds %d\n", counter, seen);
    return 0;
}
