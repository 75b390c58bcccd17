/* The AB-BA deadlock of deadlock-abba.c between two detached worker threads,
 * while main carries on and returns normally. The two threads are not merely
 * leaked: each waits for a lock only the other can release, so the finding is
 * a deadlock (once), not two leaks. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct table {
    pthread_mutex_t mu;
    const char *name;
    int rows;
};

struct migration {
    struct table *src, *dst;
    pthread_barrier_t *both_locked;
};

static void *migrate(void *arg) {
    struct migration *m = arg;
    pthread_mutex_lock(&m->src->mu);
    pthread_barrier_wait(m->both_locked);
    pthread_mutex_lock(&m->dst->mu); // want: deadlock
    m->dst->rows += m->src->rows;
    m->src->rows = 0;
    pthread_mutex_unlock(&m->dst->mu);
    pthread_mutex_unlock(&m->src->mu);
    return NULL;
}

static int start_detached(struct migration *m) {
    pthread_t th;
    int rc = pthread_create(&th, NULL, migrate, m);
    if (rc == 0)
        rc = pthread_detach(th);
    return rc;
}

int main(void) {
    static struct table users = {PTHREAD_MUTEX_INITIALIZER, "users", 10};
    static struct table archive = {PTHREAD_MUTEX_INITIALIZER, "archive", 4};
    static pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, 2);
    static struct migration forward = {&users, &archive, &barrier};
    static struct migration back = {&archive, &users, &barrier};
    if (start_detached(&forward) != 0 || start_detached(&back) != 0) {
        fputs("cannot start the migrations\n", stderr);
        return 1;
    }
    usleep(30 * 1000);
    printf("main: done waiting, exiting\n");
    return 0;
}
