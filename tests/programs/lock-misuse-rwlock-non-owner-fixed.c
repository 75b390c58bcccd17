/* lock-misuse-rwlock-non-owner.c with the writer releasing its own lock:
 * the finisher does its part under the lock and the migration thread
 * unlocks after joining it. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t schema_lock = PTHREAD_RWLOCK_INITIALIZER;
static int schema_version = 1;

static void *finisher(void *arg) {
    (void)arg;
    schema_version++; /* the migration thread holds the lock until our join */
    return NULL;
}

int main(void) {
    pthread_rwlock_wrlock(&schema_lock);
    schema_version++;
    pthread_t t;
    if (pthread_create(&t, NULL, finisher, NULL) != 0)
        return 1;
    pthread_join(t, NULL);
    pthread_rwlock_unlock(&schema_lock);
    printf("schema version %d\n", schema_version);
    return 0;
}
