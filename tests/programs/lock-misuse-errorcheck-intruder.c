/* An error-checking mutex refuses an unlock by a thread that does not hold
 * it (EPERM): the intruder's unlock is the misuse, reported once, and the
 * owner, which still holds the mutex, unlocks it correctly afterwards. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t table_mu;

static void *intruder(void *arg) {
    (void)arg;
    int rc = pthread_mutex_unlock(&table_mu); // want: lock-misuse
    printf("intruder's unlock: %s\n", rc == EPERM ? "EPERM" : "accepted");
    return NULL;
}

int main(void) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&table_mu, &attr);
    pthread_mutex_lock(&table_mu);
    pthread_t t;
    if (pthread_create(&t, NULL, intruder, NULL) != 0)
        return 1;
    pthread_join(t, NULL);
    pthread_mutex_unlock(&table_mu); /* the owner's unlock: fine */
    return 0;
}
