/* Two transfers between the same pair of accounts, in opposite directions,
 * each locking the source account first and then the destination: the
 * classic AB-BA deadlock. A barrier makes sure both threads hold their first
 * lock before either asks for the second, so every run deadlocks; the live
 * detector sees every task asleep and ends the program with status 2. */
/* exits: 2 (the deadlock detector ends it) */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

struct account {
    pthread_mutex_t mu;
    const char *name;
    long balance;
};

struct transfer {
    struct account *from, *to;
    long amount;
    pthread_barrier_t *both_locked; /* only here to make the bug deterministic */
};

static void lock_accounts(struct account *first, struct account *second,
                          pthread_barrier_t *sync_point) {
    pthread_mutex_lock(&first->mu);
    pthread_barrier_wait(sync_point);
    pthread_mutex_lock(&second->mu); // want: deadlock
}

static void *run_transfer(void *arg) {
    struct transfer *t = arg;
    lock_accounts(t->from, t->to, t->both_locked); /* BUG: order depends on direction */
    if (t->from->balance >= t->amount) {
        t->from->balance -= t->amount;
        t->to->balance += t->amount;
    }
    pthread_mutex_unlock(&t->to->mu);
    pthread_mutex_unlock(&t->from->mu);
    return NULL;
}

int main(void) {
    static struct account alice = {PTHREAD_MUTEX_INITIALIZER, "alice", 100};
    static struct account bob = {PTHREAD_MUTEX_INITIALIZER, "bob", 50};
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, 2);

    struct transfer a_to_b = {&alice, &bob, 30, &barrier};
    struct transfer b_to_a = {&bob, &alice, 10, &barrier};
    pthread_t t1, t2;
    pthread_create(&t1, NULL, run_transfer, &a_to_b);
    pthread_create(&t2, NULL, run_transfer, &b_to_a);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);

    printf("alice %ld, bob %ld\n", alice.balance, bob.balance);
    pthread_barrier_destroy(&barrier);
    return 0;
}
