/* A plain pthread program, built without knot: `knot run` preloads the
 * runtime and still records its mutexes, with file:line from DWARF. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long counter, rounds = 1000;

static void *work(void *arg) {
    for (long i = 0; i < rounds; i++) {
        pthread_mutex_lock(&mu); /* PLAIN_LOCK */
        counter++;
        pthread_mutex_unlock(&mu);
    }
    return arg;
}

int main(int argc, char **argv) {
    if (argc > 1)
        rounds = strtol(argv[1], NULL, 10);
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, work, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("%ld\n", counter);
    return counter == 2 * rounds ? 0 : 1;
}
