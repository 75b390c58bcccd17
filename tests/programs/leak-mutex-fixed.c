/* leak-mutex.c with one unlock on every path out of print_summary, and main
 * joining the reporter. */
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
    usleep(30 * 1000);
    pthread_mutex_lock(&s->mu);
    printf("requests %ld, errors %ld\n", s->requests, s->errors);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static int print_summary(struct stats *s) {
    int rc = 0;
    pthread_mutex_lock(&s->mu);
    if (s->requests == 0)
        rc = -1;
    else
        printf("error rate %.2f\n", (double)s->errors / (double)s->requests);
    pthread_mutex_unlock(&s->mu);
    return rc;
}

int main(void) {
    pthread_t th;
    if (pthread_create(&th, NULL, reporter, &stats) != 0)
        return 1;
    if (print_summary(&stats) != 0)
        fputs("no requests yet\n", stderr);
    pthread_join(th, NULL);
    return 0;
}
