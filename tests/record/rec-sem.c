/* POSIX semaphores, built without knot: every wait names the post whose
 * unit it took (initial units first, then posts in order), a wait that had
 * to block is a begin and an end, and libc's results and errno are kept. A
 * post from a signal handler is recorded like any other. "stress": many
 * posts and waits at once, each post taken by exactly one wait. */
#define _GNU_SOURCE /* sem_clockwait */
#include "rec-wait.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sem_t sem, signalled;
static _Atomic int waiter_tid;

static void *waiter(void *arg) {
    (void)arg;
    atomic_store(&waiter_tid, rec_tid());
    return (void *)(long)(sem_wait(&sem) == 0); /* WAIT_BLOCKS */
}

static volatile sig_atomic_t handled;

static void on_signal(int signo) {
    sem_post(&signalled); /* POST_IN_HANDLER */
    handled = signo;      /* (and the post is no tail call: its site is here) */
}

/* "stress": producers and consumers hand units through one semaphore. */
enum { THREADS = 8, UNITS = 2000 }; /* half producers, half consumers */

static void *produce(void *arg) {
    for (int k = 0; k < UNITS; k++)
        sem_post(&sem);
    return arg;
}

static void *consume(void *arg) {
    for (int k = 0; k < UNITS; k++)
        sem_wait(&sem);
    return arg;
}

static int stress(void) {
    pthread_t th[THREADS];
    sem_init(&sem, 0, 0);
    for (int k = 0; k < THREADS; k++) /* consumers at even places */
        pthread_create(&th[k], NULL, k % 2 ? produce : consume, NULL);
    for (int k = 0; k < THREADS; k++)
        pthread_join(th[k], NULL);
    int left = -1;
    sem_getvalue(&sem, &left);
    printf("%d\n", left);
    return left == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "stress") == 0)
        return stress();
    int ok = sem_init(&sem, 0, 1) == 0; /* SEM_INIT */
    ok &= sem_wait(&sem) == 0;          /* WAIT_INITIAL */
    errno = 0;
    ok &= sem_trywait(&sem) == -1 && errno == EAGAIN; /* TRYWAIT_EMPTY */

    pthread_t th;
    void *waited;
    pthread_create(&th, NULL, waiter, NULL);
    rec_wait_asleep(&waiter_tid);
    sem_post(&sem); /* POST_1 */
    pthread_join(th, &waited);
    ok &= waited != NULL;

    sem_post(&sem);               /* POST_2 */
    sem_post(&sem);               /* POST_3 */
    ok &= sem_trywait(&sem) == 0; /* TRYWAIT_OK */
    struct timespec deadline = rec_deadline(10000);
    errno = 77;
    ok &= sem_timedwait(&sem, &deadline) == 0 && errno == 77; /* TIMEDWAIT_OK */
    deadline = rec_deadline(50);
    ok &= sem_timedwait(&sem, &deadline) == -1 && errno == ETIMEDOUT; /* TIMEDWAIT_FAIL */
    deadline = rec_deadline_on(CLOCK_MONOTONIC, 50);
    int clocked = sem_clockwait(&sem, CLOCK_MONOTONIC, &deadline); /* CLOCKWAIT_FAIL */
    ok &= clocked == -1 && errno == ETIMEDOUT;
    ok &= sem_destroy(&sem) == 0; /* SEM_DESTROY */

    sem_init(&signalled, 0, 0); /* SIGNAL_INIT */
    signal(SIGUSR1, on_signal);
    raise(SIGUSR1);
    ok &= sem_wait(&signalled) == 0 && handled == SIGUSR1;
    puts(ok ? "ok" : "wrong results");
    return ok ? 0 : 1;
}
