/* The classic lock-order deadlock on plain pthread mutexes: each task holds
 * one mutex and waits for the other. The live detector must report it, with
 * both tasks blocked on a mutex, and end the program with status 2. */
#include <knot/knot.h>
#include <pthread.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
static knot_wg holding; /* a barrier: both hold their first mutex */
static knot_wg wg;

static void take(pthread_mutex_t *first, pthread_mutex_t *second) {
    pthread_mutex_lock(first);
    knot_wg_done(&holding);
    knot_wg_wait(&holding);     /* the other holds its first now */
    pthread_mutex_lock(second); /* never */
    pthread_mutex_unlock(second);
    pthread_mutex_unlock(first);
    knot_wg_done(&wg);
}

static void ab(void *arg) {
    (void)arg;
    take(&a, &b);
}

static void ba(void *arg) {
    (void)arg;
    take(&b, &a);
}

int main(void) {
    knot_wg_add(&holding, 2);
    knot_wg_add(&wg, 2);
    knot_go(ab, NULL);
    knot_go(ba, NULL);
    knot_wg_wait(&wg);
    return 0;
}
