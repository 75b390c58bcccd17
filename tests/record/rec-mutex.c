/* Plain pthread mutexes in a knot program: every lock and unlock recorded,
 * in the mutex's real order, with file:line sites from the return address. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static knot_wg wg;

static void add(void *arg) {
    (void)arg;
    for (int i = 0; i < 100; i++) {
        pthread_mutex_lock(&mu); /* LOCK */
        counter++;
        pthread_mutex_unlock(&mu); /* UNLOCK */
    }
    knot_wg_done(&wg);
}

int main(void) {
    knot_wg_add(&wg, 2);
    knot_go(add, NULL);
    knot_go(add, NULL);
    knot_wg_wait(&wg);
    if (pthread_mutex_trylock(&mu) == 0) /* TRYLOCK */
        pthread_mutex_unlock(&mu);
    printf("%ld\n", counter);
    return counter == 200 ? 0 : 1;
}
