/* Runs each case of a test binary in a child process and checks the outcome. */
#include "harness.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Per-case limit: a hang is a failure, reported as such, never a stuck CI. */
#define CASE_TIMEOUT_S 60

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static void buf_add(buf *b, const char *p, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->data = realloc(b->data, b->cap);
        if (!b->data)
            abort();
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

/* Drain both pipes until they close (the child and all its threads ended). */
static void collect(int out_fd, int err_fd, buf *out, buf *err) {
    struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    buf *bufs[2] = {out, err};
    int open = 2;
    while (open > 0) {
        if (poll(fds, 2, -1) < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            char chunk[4096];
            ssize_t r = read(fds[i].fd, chunk, sizeof chunk);
            if (r > 0) {
                buf_add(bufs[i], chunk, (size_t)r);
            } else if (r == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open--;
            }
        }
    }
}

static const char *source_path;

/* The number of the first line of the test's source that holds text. */
static int line_of(const char *text) {
    FILE *f = fopen(source_path, "r");
    if (!f)
        return -1;
    char line[1024];
    int n = 0, found = -1;
    while (fgets(line, sizeof line, f)) {
        n++;
        if (strstr(line, text)) {
            found = n;
            break;
        }
    }
    fclose(f);
    return found;
}

/* Copy want[0..n) into out, replacing each {L:text} by text's line number. */
static void expand(const char *want, size_t n, char *out, size_t size) {
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < size;) {
        if (strncmp(want + i, "{L:", 3) == 0) {
            const char *end = memchr(want + i, '}', n - i);
            if (end) {
                char marker[256];
                size_t m = (size_t)(end - (want + i + 3));
                if (m >= sizeof marker)
                    m = sizeof marker - 1;
                memcpy(marker, want + i + 3, m);
                marker[m] = '\0';
                o += (size_t)snprintf(out + o, size - o, "%d", line_of(marker));
                i = (size_t)(end - want) + 1;
                continue;
            }
        }
        out[o++] = want[i++];
    }
    out[o < size ? o : size - 1] = '\0';
}

/* Every '|'-separated part of want must occur in text. */
static const char *missing_part(const char *text, const char *want) {
    static char part[512];
    while (want && *want) {
        const char *bar = strchr(want, '|');
        size_t n = bar ? (size_t)(bar - want) : strlen(want);
        expand(want, n, part, sizeof part);
        if (!strstr(text ? text : "", part))
            return part;
        want = bar ? bar + 1 : NULL;
    }
    return NULL;
}

static int run_case(const char *self, const test_case *c) {
    int out_pipe[2], err_pipe[2];
    if (pipe(out_pipe) || pipe(err_pipe)) {
        perror("pipe");
        return 1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    posix_spawn_file_actions_addclose(&fa, out_pipe[0]);
    posix_spawn_file_actions_addclose(&fa, err_pipe[0]);
    char *argv[] = {(char *)self, (char *)c->name, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, self, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (rc) {
        fprintf(stderr, "FAIL %s: cannot spawn: %s\n", c->name, strerror(rc));
        return 1;
    }
    buf out = {0}, err = {0};
    collect(out_pipe[0], err_pipe[0], &out, &err);
    int status;
    waitpid(pid, &status, 0);

    const char *why = NULL;
    char detail[1024] = "";
    const char *miss;
    if (WIFSIGNALED(status)) {
        snprintf(detail, sizeof detail, "killed by signal %d (%s)", WTERMSIG(status),
                 WTERMSIG(status) == SIGALRM ? "timed out" : strsignal(WTERMSIG(status)));
        why = detail;
    } else if (WEXITSTATUS(status) != c->want_status) {
        snprintf(detail, sizeof detail, "exit status %d, want %d", WEXITSTATUS(status),
                 c->want_status);
        why = detail;
    } else if ((miss = missing_part(err.data, c->want_stderr))) {
        snprintf(detail, sizeof detail, "stderr lacks \"%s\"", miss);
        why = detail;
    } else if ((miss = missing_part(out.data, c->want_stdout))) {
        snprintf(detail, sizeof detail, "stdout lacks \"%s\"", miss);
        why = detail;
    }
    if (why) {
        printf("FAIL %s: %s\n", c->name, why);
        printf("---- stdout ----\n%s---- stderr ----\n%s----------------\n",
               out.data ? out.data : "", err.data ? err.data : "");
    } else {
        printf("ok   %s\n", c->name);
    }
    free(out.data);
    free(err.data);
    return why != NULL;
}

int test_main(int argc, char **argv, const test_case *cases, size_t n, const char *source) {
    source_path = source;
    if (argc == 2) {
        for (size_t i = 0; i < n; i++)
            if (strcmp(cases[i].name, argv[1]) == 0) {
                alarm(CASE_TIMEOUT_S);
                cases[i].fn();
                fflush(stdout);
                return 0;
            }
        fprintf(stderr, "no such case: %s\n", argv[1]);
        return 2;
    }
    size_t failed = 0;
    for (size_t i = 0; i < n; i++)
        failed += (size_t)run_case("/proc/self/exe", &cases[i]);
    printf("%zu passed, %zu failed\n", n - failed, failed);
    return failed ? 1 : 0;
}
