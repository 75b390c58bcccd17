/* lock-misuse-rwlock-unlock-unlocked.c with one owner for the unlock:
 * lookup() never touches the lock, its caller releases it once. Two readers
 * hold the read lock at once, each releasing its own hold. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_rwlock_t settings_lock = PTHREAD_RWLOCK_INITIALIZER;
static const char *keys[] = {"port", "host"};
static const char *values[] = {"8080", "localhost"};

static const char *lookup_locked(const char *key) {
    for (int i = 0; i < 2; i++)
        if (strcmp(keys[i], key) == 0)
            return values[i];
    return NULL;
}

static void *reader(void *arg) {
    pthread_rwlock_rdlock(&settings_lock);
    const char *v = lookup_locked(arg);
    printf("%s = %s\n", (const char *)arg, v ? v : "(unset)");
    pthread_rwlock_unlock(&settings_lock);
    return NULL;
}

int main(void) {
    pthread_t a, b;
    if (pthread_create(&a, NULL, reader, "timeout") != 0 ||
        pthread_create(&b, NULL, reader, "port") != 0)
        return 1;
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    return 0;
}
