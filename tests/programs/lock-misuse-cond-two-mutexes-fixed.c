/* lock-misuse-cond-two-mutexes.c with a condition variable per queue, each
 * always waited on with its own queue's mutex. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct queue {
    pthread_mutex_t mu;
    pthread_cond_t nonempty;
    int items;
};

static struct queue orders = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
static struct queue refunds = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};

static void *consume(void *arg) {
    struct queue *q = arg;
    pthread_mutex_lock(&q->mu);
    while (q->items == 0)
        pthread_cond_wait(&q->nonempty, &q->mu);
    q->items--;
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

static void push(struct queue *q) {
    pthread_mutex_lock(&q->mu);
    q->items++;
    pthread_cond_signal(&q->nonempty);
    pthread_mutex_unlock(&q->mu);
}

int main(void) {
    pthread_t a, b;
    if (pthread_create(&a, NULL, consume, &orders) != 0)
        return 1;
    if (pthread_create(&b, NULL, consume, &refunds) != 0)
        return 1;
    usleep(60 * 1000);
    push(&orders);
    push(&refunds);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("orders %d, refunds %d\n", orders.items, refunds.items);
    return 0;
}
