/* For the recording tests: wait until another thread sleeps in the kernel,
 * blocked in the call under test, so that what releases it comes after its
 * wait began, whatever the scheduler does. */
#ifndef REC_WAIT_H
#define REC_WAIT_H

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline int rec_tid(void) { return (int)syscall(SYS_gettid); }

static inline void rec_sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Whether thread tid of this process is asleep ('S') now. */
static inline int rec_asleep(int tid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    const char *paren = strrchr(buf, ')');
    return paren && paren[1] == ' ' && paren[2] == 'S';
}

/* Wait for *tid to be published, then for that thread to sleep. */
static inline void rec_wait_asleep(_Atomic int *tid) {
    while (!atomic_load(tid))
        rec_sleep_ms(1);
    while (!rec_asleep(atomic_load(tid)))
        rec_sleep_ms(1);
}

/* An absolute deadline on clock, ms from now. */
static inline struct timespec rec_deadline_on(clockid_t clock, long ms) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

/* The same on CLOCK_REALTIME, as the timed calls want. */
static inline struct timespec rec_deadline(long ms) { return rec_deadline_on(CLOCK_REALTIME, ms); }

#endif
