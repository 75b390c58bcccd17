/* A reporter thread waits for the statistics lock, which main took to print a
 * summary and, on its error path, never released. main then returns normally:
 * the reporter is still blocked in pthread_mutex_lock, and main ended the
 * program while it still held the lock. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

struct stats {
    pthread_mutex_t mu;
    long requests;
    long errors;
};

static struct stats stats = {PTHREAD_MUTEX_INITIALIZER, 0, 0};

static void *reporter(void *arg) {
    struct stats *s = arg;
    usleep(30 * 1000);          /* main has the lock by now */
    pthread_mutex_lock(&s->mu); // want: leak
    printf("requests %ld, errors %ld\n", s->requests, s->errors);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static int print_summary(struct stats *s) {
    pthread_mutex_lock(&s->mu); // want: lock-misuse
    if (s->requests == 0)
        return -1; /* BUG: returns with s->mu held */
    printf("error rate %.2f\n", (double)s->errors / (double)s->requests);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

int main(void) {
    pthread_t th;
    if (pthread_create(&th, NULL, reporter, &stats) != 0)
        return 1;
    pthread_detach(th);
    if (print_summary(&stats) != 0)
        fputs("no requests yet\n", stderr);
    usleep(60 * 1000);
    return 0;
}
