/* A migration thread write-locks the schema and hands the rest of the work
 * to a finisher thread, which unlocks "for" it. A write lock belongs to the
 * thread that took it: glibc takes the finisher's unlock for a reader's and
 * the lock's state goes wrong. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t schema_lock = PTHREAD_RWLOCK_INITIALIZER;
static int schema_version = 1;

static void *finisher(void *arg) {
    (void)arg;
    schema_version++;
    pthread_rwlock_unlock(&schema_lock); // want: lock-misuse
    return NULL;
}

int main(void) {
    pthread_rwlock_wrlock(&schema_lock);
    schema_version++;
    pthread_t t;
    if (pthread_create(&t, NULL, finisher, NULL) != 0)
        return 1;
    pthread_join(t, NULL);
    printf("schema version %d\n", schema_version);
    return 0;
}
