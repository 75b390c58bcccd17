/* A helper that takes the lock its caller already holds. With an
 * error-checking mutex the inner lock fails at once with EDEADLK (a default
 * mutex would hang the thread on itself); the code carries on without the
 * lock it thinks it has. */
#include <errno.h>
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct account {
    pthread_mutex_t mu;
    long balance;
    int ops;
};

static void count_op(struct account *a) {
    int rc = pthread_mutex_lock(&a->mu); // want: lock-misuse
    if (rc != 0)
        fprintf(stderr, "count_op: %s\n", strerror(rc));
    a->ops++;
    if (rc == 0)
        pthread_mutex_unlock(&a->mu);
}

static int withdraw(struct account *a, long amount) {
    pthread_mutex_lock(&a->mu);
    int rc = -1;
    if (a->balance >= amount) {
        a->balance -= amount;
        rc = 0;
    }
    count_op(a); /* BUG: a->mu is already held here */
    pthread_mutex_unlock(&a->mu);
    return rc;
}

static void *teller(void *arg) {
    struct account *a = arg;
    if (withdraw(a, 30) != 0)
        fputs("insufficient funds\n", stderr);
    return NULL;
}

int main(void) {
    static struct account acct = {.balance = 100};
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&acct.mu, &attr);
    pthread_mutexattr_destroy(&attr);
    pthread_t th;
    if (pthread_create(&th, NULL, teller, &acct) != 0)
        return 1;
    pthread_join(th, NULL);
    printf("balance %ld after %d operation(s)\n", acct.balance, acct.ops);
    pthread_mutex_destroy(&acct.mu);
    return 0;
}
