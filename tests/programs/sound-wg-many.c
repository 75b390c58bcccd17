/* A wait group used correctly with many workers, which must produce no
 * finding: 16 knot tasks and 4 pthreads add to a mutex-protected histogram;
 * every Add is made before its spawn, every worker calls Done once, main
 * waits, joins the threads and reads the result. */
#include <knot/knot.h>
#include <pthread.h>
#include <stdio.h>

enum { TASKS = 16, THREADS = 4, BUCKETS = 8 };

struct histogram {
    pthread_mutex_t mu;
    long bucket[BUCKETS];
    knot_wg wg;
};

struct shard {
    int id;
    struct histogram *h;
};

static void count_shard(struct shard *s) {
    long local[BUCKETS] = {0};
    for (int v = s->id; v < 4000; v += TASKS + THREADS)
        local[v % BUCKETS]++;
    pthread_mutex_lock(&s->h->mu);
    for (int b = 0; b < BUCKETS; b++)
        s->h->bucket[b] += local[b];
    pthread_mutex_unlock(&s->h->mu);
}

static void task_main(void *arg) {
    struct shard *s = arg;
    count_shard(s);
    knot_wg_done(&s->h->wg);
}

static void *thread_main(void *arg) {
    count_shard(arg);
    return NULL;
}

int main(void) {
    static struct histogram h = {.mu = PTHREAD_MUTEX_INITIALIZER};
    static struct shard shards[TASKS + THREADS];
    pthread_t threads[THREADS];
    for (int i = 0; i < TASKS; i++) {
        shards[i] = (struct shard){i, &h};
        knot_wg_add(&h.wg, 1);
        if (knot_go(task_main, &shards[i]) != 0) {
            knot_wg_done(&h.wg);
            fprintf(stderr, "task %d did not start\n", i);
        }
    }
    for (int i = 0; i < THREADS; i++) {
        shards[TASKS + i] = (struct shard){TASKS + i, &h};
        if (pthread_create(&threads[i], NULL, thread_main, &shards[TASKS + i]) != 0)
            return 1;
    }
    knot_wg_wait(&h.wg);
    for (int i = 0; i < THREADS; i++)
        pthread_join(threads[i], NULL);
    long total = 0;
    for (int b = 0; b < BUCKETS; b++)
        total += h.bucket[b];
    printf("%ld values counted\n", total);
    return 0;
}
