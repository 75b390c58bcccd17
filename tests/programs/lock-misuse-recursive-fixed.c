/* A recursive mutex relocked by its holder is its contract, not a misuse:
 * the tree walk below takes the node lock again on every level. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

struct tree {
    pthread_mutex_t mu; /* recursive */
    int depth;
    long visits;
};

static void walk(struct tree *t, int level) {
    pthread_mutex_lock(&t->mu);
    t->visits++;
    if (level < t->depth)
        walk(t, level + 1);
    pthread_mutex_unlock(&t->mu);
}

static void *walker(void *arg) {
    walk(arg, 0);
    return NULL;
}

int main(void) {
    static struct tree t = {.depth = 3};
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&t.mu, &attr);
    pthread_mutexattr_destroy(&attr);
    pthread_t a, b;
    if (pthread_create(&a, NULL, walker, &t) != 0 || pthread_create(&b, NULL, walker, &t) != 0)
        return 1;
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%ld visits\n", t.visits);
    pthread_mutex_destroy(&t.mu);
    return 0;
}
