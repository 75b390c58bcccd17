/* lock-misuse-rwlock-relock.c with the helper split: grow_locked() expects
 * its caller to hold the write lock and takes nothing itself. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static int rows;

static void grow_locked(void) { rows *= 2; }

static void *writer(void *arg) {
    (void)arg;
    pthread_rwlock_wrlock(&table_lock);
    rows = 8;
    grow_locked();
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
