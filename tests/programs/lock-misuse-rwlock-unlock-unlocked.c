/* A settings cache behind a read-write lock. lookup() releases the read
 * lock itself when the key is missing, and its caller releases it again:
 * the second unlock is of an rwlock nobody holds, undefined behaviour that
 * glibc lets through silently (its reader count goes wrong instead). */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_rwlock_t settings_lock = PTHREAD_RWLOCK_INITIALIZER;
static const char *keys[] = {"port", "host"};
static const char *values[] = {"8080", "localhost"};

static const char *lookup(const char *key) {
    for (int i = 0; i < 2; i++)
        if (strcmp(keys[i], key) == 0)
            return values[i];
    pthread_rwlock_unlock(&settings_lock); /* "nothing to keep locked" */
    return NULL;
}

static void *reader(void *arg) {
    pthread_rwlock_rdlock(&settings_lock);
    const char *v = lookup(arg);
    printf("%s = %s\n", (const char *)arg, v ? v : "(unset)");
    pthread_rwlock_unlock(&settings_lock); // want: lock-misuse
    return NULL;
}

int main(void) {
    pthread_t t;
    if (pthread_create(&t, NULL, reader, "timeout") != 0)
        return 1;
    pthread_join(t, NULL);
    return 0;
}
