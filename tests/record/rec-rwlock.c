/* Readers and a writer on a pthread read-write lock, built without knot:
 * every hold is recorded, and in the trace's order a write hold is never
 * interleaved with another task's operations on the lock. */
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static long value, sum;

static void *reader(void *arg) {
    for (int i = 0; i < 200; i++) {
        pthread_rwlock_rdlock(&rw); /* RDLOCK */
        __atomic_add_fetch(&sum, value, __ATOMIC_RELAXED);
        pthread_rwlock_unlock(&rw);
    }
    return arg;
}

static void *writer(void *arg) {
    for (int i = 0; i < 200; i++) {
        pthread_rwlock_wrlock(&rw); /* WRLOCK */
        value++;
        pthread_rwlock_unlock(&rw);
    }
    return arg;
}

int main(void) {
    pthread_t t[3];
    pthread_create(&t[0], NULL, reader, NULL);
    pthread_create(&t[1], NULL, reader, NULL);
    pthread_create(&t[2], NULL, writer, NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    printf("%ld\n", value);
    return value == 200 ? 0 : 1;
}
