/* One condition variable shared by two queues, each with its own mutex: the
 * consumers of both queues wait through one helper, on the same cond, with
 * different mutexes. POSIX makes that undefined: while any thread waits on a
 * cond, every waiter must use the same mutex. glibc happens to cope; other
 * systems do not. Whichever consumer waits second, the finding is at the
 * helper's wait. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct queue {
    pthread_mutex_t mu;
    int items;
};

static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER; /* BUG: shared by both queues */
static struct queue orders = {PTHREAD_MUTEX_INITIALIZER, 0};
static struct queue refunds = {PTHREAD_MUTEX_INITIALIZER, 0};

/* Called with q->mu held. */
static void wait_nonempty(struct queue *q) {
    while (q->items == 0)
        pthread_cond_wait(&nonempty, &q->mu); // want: lock-misuse
}

static void *consume(void *arg) {
    struct queue *q = arg;
    pthread_mutex_lock(&q->mu);
    wait_nonempty(q);
    q->items--;
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

static void push(struct queue *q) {
    pthread_mutex_lock(&q->mu);
    q->items++;
    pthread_mutex_unlock(&q->mu);
    pthread_cond_broadcast(&nonempty);
}

int main(void) {
    pthread_t a, b;
    if (pthread_create(&a, NULL, consume, &orders) != 0)
        return 1;
    if (pthread_create(&b, NULL, consume, &refunds) != 0)
        return 1;
    usleep(50 * 1000); /* both consumers are waiting by now */
    push(&orders);
    push(&refunds);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("orders %d, refunds %d\n", orders.items, refunds.items);
    return 0;
}
