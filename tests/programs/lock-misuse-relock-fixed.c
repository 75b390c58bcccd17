/* lock-misuse-relock.c with the helper split the usual way: count_op_locked
 * expects its caller to hold the lock, and count_op takes it itself. */
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

static void count_op_locked(struct account *a) { a->ops++; }

static void count_op(struct account *a) {
    pthread_mutex_lock(&a->mu);
    count_op_locked(a);
    pthread_mutex_unlock(&a->mu);
}

static int withdraw(struct account *a, long amount) {
    pthread_mutex_lock(&a->mu);
    int rc = -1;
    if (a->balance >= amount) {
        a->balance -= amount;
        rc = 0;
    }
    count_op_locked(a);
    pthread_mutex_unlock(&a->mu);
    return rc;
}

static void *teller(void *arg) {
    struct account *a = arg;
    if (withdraw(a, 30) != 0)
        fputs("insufficient funds\n", stderr);
    count_op(a); /* a balance enquiry */
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
