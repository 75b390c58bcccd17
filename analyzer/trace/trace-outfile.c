/* Outputs written beside their destination and renamed into place, after
 * checking that the destination holds nothing knot would destroy. */
#include "trace-outfile.h"
#include "trace-schema.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const kind_names[] = {
    [KNOT_OUT_TRACE] = "a knot trace",
    [KNOT_OUT_TEXT] = "knot's text findings",
    [KNOT_OUT_JSON] = "knot's JSON findings",
    [KNOT_OUT_SARIF] = "a SARIF log",
    [KNOT_OUT_HTML] = "a knot report",
    [KNOT_OUT_PICTURE] = "a picture of that format",
    [KNOT_OUT_TIMELINE] = "a timeline knot exported",
};

static bool starts(const char *head, size_t n, const char *prefix) {
    size_t k = strlen(prefix);
    return n >= k && memcmp(head, prefix, k) == 0;
}

static const char *skip_space(const char *s, const char *end) {
    while (s < end && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t'))
        s++;
    return s;
}

/* The last line of a text report: "N finding(s) (...)". */
static bool text_report(const char *head, size_t n) {
    if (memchr(head, '\0', n))
        return false;
    size_t end = n;
    while (end > 0 && head[end - 1] == '\n')
        end--;
    size_t start = end;
    while (start > 0 && head[start - 1] != '\n')
        start--;
    const char *p = head + start;
    size_t digits = 0;
    while (p + digits < head + end && p[digits] >= '0' && p[digits] <= '9')
        digits++;
    return digits > 0 && (starts(p + digits, end - start - digits, " finding (") ||
                          starts(p + digits, end - start - digits, " findings ("));
}

static bool holds(enum knot__out_kind kind, const char *path, const char *head, size_t n) {
    const char *body = skip_space(head, head + n);
    size_t rest = (size_t)(head + n - body);
    switch (kind) {
    case KNOT_OUT_TRACE: {
        if (n < 72 || !starts(head, n, "SQLite format 3"))
            return false;
        const unsigned char *u = (const unsigned char *)head + 68; /* application_id */
        uint32_t app = (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
        return app == KNOT_TRACE_APPLICATION_ID;
    }
    case KNOT_OUT_TEXT:
        return text_report(head, n);
    case KNOT_OUT_JSON:
        return starts(body, rest, "{") && memmem(head, n, "\"findings\"", 10);
    case KNOT_OUT_SARIF:
        return starts(body, rest, "{") && memmem(head, n, "sarif", 5);
    case KNOT_OUT_HTML:
        return starts(head, n, "<!DOCTYPE html>") && memmem(head, n, "knot report", 11);
    case KNOT_OUT_TIMELINE:
        return starts(body, rest, "{\"traceEvents\"");
    case KNOT_OUT_PICTURE: {
        const char *dot = strrchr(path, '.');
        if (!dot)
            return false;
        if (!strcmp(dot, ".svg"))
            return starts(body, rest, "<?xml") || starts(body, rest, "<svg") ||
                   starts(body, rest, "<!--");
        if (!strcmp(dot, ".png"))
            return starts(head, n, "\x89PNG");
        if (!strcmp(dot, ".pdf"))
            return starts(head, n, "%PDF");
        if (!strcmp(dot, ".dot"))
            return starts(body, rest, "digraph") || starts(body, rest, "strict digraph") ||
                   starts(body, rest, "graph");
        return false;
    }
    }
    return false;
}

/* The last 64 KiB suffice for a text report's summary line; the start for
 * the rest. */
static ssize_t read_sample(const char *path, enum knot__out_kind kind, char *buf, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (kind == KNOT_OUT_TEXT && fstat(fd, &st) == 0 && st.st_size > (off_t)size)
        lseek(fd, st.st_size - (off_t)size, SEEK_SET);
    ssize_t n = read(fd, buf, size);
    close(fd);
    return n;
}

int knot__outfile_check(const char *path, enum knot__out_kind kind, const knot__out_input *inputs,
                        size_t ninputs, char *err, size_t errsize) {
    struct stat out;
    if (stat(path, &out) != 0)
        return 0; /* nothing there to lose */
    for (size_t i = 0; i < ninputs; i++) {
        struct stat in;
        if (inputs[i].path && stat(inputs[i].path, &in) == 0 && in.st_dev == out.st_dev &&
            in.st_ino == out.st_ino) {
            snprintf(err, errsize, "%s is %s: refusing to write over it", path, inputs[i].role);
            return -1;
        }
    }
    if (S_ISDIR(out.st_mode)) {
        snprintf(err, errsize, "%s is a directory", path);
        return -1;
    }
    if (!S_ISREG(out.st_mode) || out.st_size == 0)
        return 0; /* a device or a pipe, or an empty file: written as it is */
    static char sample[64 * 1024];
    ssize_t n = read_sample(path, kind, sample, sizeof sample);
    if (n < 0) {
        snprintf(err, errsize, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!holds(kind, path, sample, (size_t)n)) {
        snprintf(err, errsize, "%s exists and is not %s: refusing to write over it", path,
                 kind_names[kind]);
        return -1;
    }
    return 0;
}

int knot__outfile_open(knot__outfile *o, const char *path, enum knot__out_kind kind,
                       const knot__out_input *inputs, size_t ninputs, char *err, size_t errsize) {
    memset(o, 0, sizeof *o);
    o->path = path;
    if (knot__outfile_check(path, kind, inputs, ninputs, err, errsize) != 0)
        return -1;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (!(o->f = fopen(path, "w"))) {
            snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno));
            return -1;
        }
        return 0;
    }
    if (snprintf(o->tmp, sizeof o->tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof o->tmp) {
        snprintf(err, errsize, "%s: %s", path, strerror(ENAMETOOLONG));
        return -1;
    }
    int fd = mkostemp(o->tmp, O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno));
        o->tmp[0] = '\0';
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || !(o->f = fdopen(fd, "w"))) {
        snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno));
        close(fd);
        unlink(o->tmp);
        return -1;
    }
    return 0;
}

int knot__outfile_commit(knot__outfile *o, char *err, size_t errsize) {
    int rc = ferror(o->f) ? -1 : 0;
    int e = errno;
    if (fclose(o->f) != 0 && rc == 0) {
        rc = -1;
        e = errno;
    }
    o->f = NULL;
    if (rc == 0 && o->tmp[0] && rename(o->tmp, o->path) != 0) {
        rc = -1;
        e = errno;
    }
    if (rc != 0) {
        snprintf(err, errsize, "cannot write %s: %s", o->path, strerror(e));
        if (o->tmp[0])
            unlink(o->tmp);
    }
    return rc;
}

void knot__outfile_abort(knot__outfile *o) {
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    if (o->tmp[0])
        unlink(o->tmp);
}

static char lock_path[PATH_MAX + 32], lock_trace[PATH_MAX];
static int lock_fd = -1;

int knot__trace_lock(const char *trace, char *err, size_t errsize) {
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s.knot-lock", trace);
    for (int attempt = 0; attempt < 8; attempt++) {
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            snprintf(err, errsize, "cannot write %s: %s", path, strerror(errno));
            return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            close(fd);
            if (e != EWOULDBLOCK) {
                snprintf(err, errsize, "%s: %s", path, strerror(e));
                return -1;
            }
            snprintf(err, errsize, "%s: another knot run is recording into this trace", trace);
            return -2;
        }
        /* The holder before us may have removed the file it locked: ours
         * counts only if it is still the one at path. */
        struct stat a, b;
        if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
            a.st_ino == b.st_ino) {
            lock_fd = fd;
            snprintf(lock_path, sizeof lock_path, "%s", path);
            snprintf(lock_trace, sizeof lock_trace, "%s", trace);
            return 0;
        }
        close(fd);
    }
    snprintf(err, errsize, "%s: another knot run is recording into this trace", trace);
    return -2;
}

bool knot__trace_lock_held(const char *trace) {
    return lock_fd >= 0 && strcmp(lock_trace, trace) == 0;
}

void knot__trace_unlock(void) {
    if (lock_fd < 0)
        return;
    unlink(lock_path);
    close(lock_fd);
    lock_fd = -1;
}

bool knot__find_program(const char *argv0, char *out, size_t size) {
    if (strchr(argv0, '/')) {
        snprintf(out, size, "%s", argv0);
        return access(out, F_OK) == 0;
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/bin:/usr/bin";
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t len = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(out, size, "%.*s%s%s", (int)len, path, len ? "/" : "", argv0);
        struct stat st;
        if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
            return true;
        path += len + (colon != NULL);
    }
    return false;
}
