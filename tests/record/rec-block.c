/* The live detector and semaphores or barriers (a knot program): every task
 * asleep on them forever is a deadlock; a wait that a later post ends, a
 * timed wait, a wait on a process-shared semaphore that another process
 * posts, or one after a waiter was cancelled, is not. "hang": main waits on a semaphore while
 * another task is blocked in read(), outside knot, so only a timeout ends it. */
#include <knot/knot.h>

#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static sem_t a, b;
static pthread_barrier_t barrier;
static int fds[2];

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void *wait_b_post_a(void *arg) {
    sem_wait(&b); /* DL_WAIT_B */
    sem_post(&a);
    return arg;
}

static void *barrier_party(void *arg) {
    pthread_barrier_wait(&barrier); /* BARRIER_STUCK */
    return arg;
}

static void *post_later(void *arg) {
    sleep_ms(300);
    sem_post(&a); /* LATE_POST */
    return arg;
}

static void *read_forever(void *arg) {
    char c;
    if (read(fds[0], &c, 1) == 1) /* never: nobody writes */
        sem_post(&a);
    return arg;
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    sem_init(&a, 0, 0);
    sem_init(&b, 0, 0);
    pthread_t th;
    if (strcmp(mode, "sem-deadlock") == 0) {
        pthread_create(&th, NULL, wait_b_post_a, NULL);
        sem_wait(&a); /* DL_WAIT_A */
        sem_post(&b);
    } else if (strcmp(mode, "barrier-deadlock") == 0) {
        pthread_barrier_init(&barrier, NULL, 3);
        pthread_create(&th, NULL, barrier_party, NULL);
        pthread_barrier_wait(&barrier); /* BARRIER_STUCK_MAIN */
    } else if (strcmp(mode, "late") == 0) {
        pthread_create(&th, NULL, post_later, NULL);
        sem_wait(&a); /* LATE_WAIT */
        pthread_join(th, NULL);
    } else if (strcmp(mode, "timed") == 0) {
        /* The other task sleeps on b for good while main's waits time out:
         * main is not asleep forever, so this is no deadlock. */
        pthread_create(&th, NULL, wait_b_post_a, NULL);
        for (int k = 0; k < 3; k++) {
            struct timespec deadline;
            clock_gettime(CLOCK_REALTIME, &deadline);
            deadline.tv_nsec += 100000000L;
            if (deadline.tv_nsec >= 1000000000L) {
                deadline.tv_sec++;
                deadline.tv_nsec -= 1000000000L;
            }
            sem_timedwait(&a, &deadline);
        }
        sem_post(&b);
        sem_wait(&a);
        pthread_join(th, NULL);
    } else if (strcmp(mode, "cancel") == 0) {
        /* A wait ended by cancellation never returns to say it stopped
         * waiting; main's wait, which a late post ends, is then no deadlock. */
        pthread_create(&th, NULL, wait_b_post_a, NULL);
        sleep_ms(50);
        pthread_cancel(th);
        pthread_join(th, NULL);
        pthread_create(&th, NULL, post_later, NULL);
        sem_wait(&a);
        pthread_join(th, NULL);
    } else if (strcmp(mode, "shared") == 0) {
        /* Only task, asleep: but the post comes from another process. */
        sem_t *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (s == MAP_FAILED || sem_init(s, 1, 0) != 0)
            return 1;
        pid_t child = fork();
        if (child == 0) {
            sleep_ms(300);
            sem_post(s);
            _exit(0);
        }
        sem_wait(s);
        waitpid(child, NULL, 0);
    } else if (strcmp(mode, "hang") == 0) {
        if (pipe(fds) != 0)
            return 1;
        pthread_create(&th, NULL, read_forever, NULL);
        sem_wait(&a); /* HANG_WAIT */
    } else {
        fprintf(stderr,
                "usage: rec-block sem-deadlock|barrier-deadlock|late|timed|cancel|shared|hang\n");
        return 2;
    }
    puts("done");
    return 0;
}
