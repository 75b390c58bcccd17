/* Two threads take two locks in opposite orders, 50 ms apart, so this run
 * does not deadlock but another schedule would (a predicted lock-order
 * finding). Run as a child of a shell by the `children` recording test. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;

static void *ab(void *arg) {
    (void)arg;
    pthread_mutex_lock(&a);
    pthread_mutex_lock(&b);
    pthread_mutex_unlock(&b);
    pthread_mutex_unlock(&a);
    return NULL;
}

static void *ba(void *arg) {
    (void)arg;
    usleep(50 * 1000);
    pthread_mutex_lock(&b);
    pthread_mutex_lock(&a); /* INVERTED */
    pthread_mutex_unlock(&a);
    pthread_mutex_unlock(&b);
    return NULL;
}

int main(void) {
    pthread_t t1, t2;
    if (pthread_create(&t1, NULL, ab, NULL) != 0 || pthread_create(&t2, NULL, ba, NULL) != 0)
        return 1;
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    puts("ok");
    return 0;
}
