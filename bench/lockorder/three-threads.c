/* A lock-order cycle of length three across three pthreads — A then B, B
 * then C, C then A — spaced in time so this run never deadlocks, though
 * another schedule does. (The knot-task version is a test fixture; this one
 * builds without knot so every tool can run it.) */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER,
                       c = PTHREAD_MUTEX_INITIALIZER;

static void pair(pthread_mutex_t *first, pthread_mutex_t *second) {
    pthread_mutex_lock(first);
    pthread_mutex_lock(second);
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
}

static void *ab(void *arg) {
    (void)arg;
    pair(&a, &b);
    return NULL;
}

static void *bc(void *arg) {
    (void)arg;
    usleep(40 * 1000);
    pair(&b, &c);
    return NULL;
}

static void *ca(void *arg) {
    (void)arg;
    usleep(80 * 1000);
    pair(&c, &a);
    return NULL;
}

int main(void) {
    pthread_t t[3];
    void *(*fn[3])(void *) = {ab, bc, ca};
    for (int i = 0; i < 3; i++)
        if (pthread_create(&t[i], NULL, fn[i], NULL) != 0)
            return 1;
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    puts("done");
    return 0;
}
