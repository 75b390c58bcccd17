/* A table's writer calls a helper that write-locks the table again. glibc
 * refuses the second write lock with EDEADLK (other implementations hang);
 * the helper ignores the error and goes on as if it held the lock. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static int rows;

static void grow(void) {
    int rc = pthread_rwlock_wrlock(&table_lock); // want: lock-misuse
    rows *= 2;
    if (rc == 0)
        pthread_rwlock_unlock(&table_lock);
}

static void *writer(void *arg) {
    (void)arg;
    pthread_rwlock_wrlock(&table_lock);
    rows = 8;
    grow();
    pthread_rwlock_unlock(&table_lock);
    return NULL;
}

int main(void) {
    pthread_t t;
    if (pthread_create(&t, NULL, writer, NULL) != 0)
        return 1;
    pthread_join(t, NULL);
    printf("%d rows\n", rows);
    return 0;
}
