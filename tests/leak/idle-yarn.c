/* pigz's shape: a lock wrapper in the style of its yarn library (a mutex, a
 * condition variable and a value; possess, release, twist, wait_for), a
 * pool of compression threads that wait for jobs with wait_for, a lock of
 * its own per job, made and freed with the job, and a main that returns once
 * the output is written without stopping the pool. The helpers are left
 * idle on the condition variable: by design, not a leak. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct lock {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    long value;
} lock;

static lock *new_lock(long initial) {
    lock *bolt = malloc(sizeof *bolt);
    if (!bolt)
        exit(1);
    pthread_mutex_init(&bolt->mutex, NULL);
    pthread_cond_init(&bolt->cond, NULL);
    bolt->value = initial;
    return bolt;
}

static void possess(lock *bolt) { pthread_mutex_lock(&bolt->mutex); }
static void release(lock *bolt) { pthread_mutex_unlock(&bolt->mutex); }

static void twist(lock *bolt, long value) {
    bolt->value = value;
    pthread_cond_broadcast(&bolt->cond);
    pthread_mutex_unlock(&bolt->mutex);
}

/* Wait, possessing bolt, until its value is not `value`. */
static void wait_for_not(lock *bolt, long value) {
    while (bolt->value == value)
        pthread_cond_wait(&bolt->cond, &bolt->mutex);
}

static void free_lock(lock *bolt) {
    pthread_cond_destroy(&bolt->cond);
    pthread_mutex_destroy(&bolt->mutex);
    free(bolt);
}

struct job {
    long seq;
    long sum;
    lock *calc; /* value 1 once sum is ready */
    struct job *next;
};

static lock *compress_have; /* value: jobs on the list */
static int parked;          /* compression threads waiting for a job, under compress_have */
static struct job *head, **tail = &head;

static void *compress_thread(void *arg) {
    (void)arg;
    for (;;) {
        possess(compress_have);
        parked++;
        pthread_cond_broadcast(&compress_have->cond); /* main waits for all to be parked */
        wait_for_not(compress_have, 0);               /* idle here when the program ends */
        parked--;
        struct job *j = head;
        head = j->next;
        if (!head)
            tail = &head;
        twist(compress_have, compress_have->value - 1);
        long sum = 0;
        for (long i = 0; i < 1000 * (j->seq + 1); i++)
            sum += i % 7;
        possess(j->calc);
        j->sum = sum;
        twist(j->calc, 1);
    }
    return NULL;
}

int main(void) {
    enum { THREADS = 3, JOBS = 8 };
    compress_have = new_lock(0);
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        if (pthread_create(&th[i], NULL, compress_thread, NULL) != 0)
            return 1;
    long total = 0;
    for (long seq = 0; seq < JOBS; seq++) {
        struct job *j = malloc(sizeof *j);
        if (!j)
            return 1;
        *j = (struct job){seq, 0, new_lock(0), NULL};
        possess(compress_have);
        *tail = j;
        tail = &j->next;
        twist(compress_have, compress_have->value + 1);
        possess(j->calc); /* the writer: each job's result, in order */
        wait_for_not(j->calc, 0);
        release(j->calc);
        total += j->sum;
        free_lock(j->calc);
        free(j);
    }
    possess(compress_have);  /* once all wait for jobs again (their waits are */
    while (parked < THREADS) /* recorded before they let the lock go) */
        pthread_cond_wait(&compress_have->cond, &compress_have->mutex);
    release(compress_have);
    printf("%ld\n", total);
    return 0; /* the compression threads are still waiting for jobs */
}
