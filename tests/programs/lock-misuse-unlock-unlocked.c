/* A double unlock on an error path: write_record unlocks before returning
 * the error, and its caller unlocks again. With an error-checking mutex the
 * second unlock fails with EPERM; with a default one it is undefined
 * behaviour. Either way it is the second unlock that is wrong. */
#include <errno.h>
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

struct journal {
    pthread_mutex_t mu;
    char last[32];
    int records;
};

static int write_record(struct journal *j, const char *rec) {
    if (strlen(rec) >= sizeof j->last) {
        pthread_mutex_unlock(&j->mu); /* releases early on the error path */
        return -1;
    }
    strcpy(j->last, rec);
    j->records++;
    return 0;
}

static void *writer(void *arg) {
    struct journal *j = arg;
    const char *recs[] = {"begin", "a record much too long for the journal", "end"};
    for (int i = 0; i < 3; i++) {
        pthread_mutex_lock(&j->mu);
        if (write_record(j, recs[i]) != 0)
            fprintf(stderr, "record %d rejected\n", i);
        int rc = pthread_mutex_unlock(&j->mu); // want: lock-misuse
        if (rc != 0)
            fprintf(stderr, "unlock: %s\n", strerror(rc));
    }
    return NULL;
}

int main(void) {
    static struct journal j;
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
    pthread_mutex_init(&j.mu, &attr);
    pthread_mutexattr_destroy(&attr);

    pthread_t th;
    if (pthread_create(&th, NULL, writer, &j) != 0)
        return 1;
    pthread_join(th, NULL);
    printf("%d records, last '%s'\n", j.records, j.last);
    pthread_mutex_destroy(&j.mu);
    return 0;
}
