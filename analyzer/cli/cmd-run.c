/* knot run [-o TRACE] [--timeout SECONDS] [CHECK OPTIONS] [--] PROGRAM ARGS...
 *
 * Run PROGRAM with the recorder preloaded, import what it (and each child
 * process) recorded, and check it. In named steps: read the arguments,
 * refuse whatever can be refused before the program runs, run it, collect
 * its traces, check them. Exit status: the program's own when it failed
 * (128+N if signal N ended it), else 1 for findings at or above --fail-on,
 * 0 clean, 2 for usage or input errors. */
#include "cli-check.h"
#include "cli-commands.h"
#include "trace-import.h"
#include "trace-outfile.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t forwarded_signal;
static pid_t child_pid;

static void forward(int sig) {
    forwarded_signal = sig;
    if (child_pid > 0)
        kill(child_pid, sig);
}

/* Start argv with tracing into trace; -1 and a message if it cannot run. */
static pid_t start(char **argv, const char *trace) {
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(pipefd[0]);
        /* The program does not outlive a knot run that is killed. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
            _exit(127);
        setenv("KNOT_TRACE", trace, 1);
        /* Preload the runtime so that programs not linked with knot (plain
         * pthread programs) are recorded too; in one linked with it, the
         * same library is simply already there. */
        char inc[PATH_MAX + 64], lib[PATH_MAX + 64], preload[2 * PATH_MAX + 160];
        knot__runtime_dirs(inc, lib, sizeof inc);
        const char *old = getenv("LD_PRELOAD");
        snprintf(preload, sizeof preload, "%s/libknot.so%s%s", lib, old && *old ? ":" : "",
                 old ? old : "");
        setenv("LD_PRELOAD", preload, 1);
        execvp(argv[0], argv);
        int e = errno;
        (void)!write(pipefd[1], &e, sizeof e);
        _exit(127);
    }
    close(pipefd[1]);
    int e = 0;
    ssize_t got = pid > 0 ? read(pipefd[0], &e, sizeof e) : 0;
    close(pipefd[0]);
    if (pid < 0 || got == (ssize_t)sizeof e) {
        fprintf(stderr, "knot: cannot run %s: %s\n", argv[0], strerror(pid < 0 ? errno : e));
        if (pid > 0)
            waitpid(pid, NULL, 0);
        return -1;
    }
    return pid;
}

/* Wait for pid, killing it after timeout seconds (0 = never). */
static int wait_for(pid_t pid, double timeout, bool *timed_out) {
    struct timespec t0, now, tick = {0, 10 * 1000000L};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int status;
    for (;;) {
        pid_t r = waitpid(pid, &status, timeout > 0 ? WNOHANG : 0);
        if (r == pid)
            return status;
        if (r < 0 && errno != EINTR)
            return -1;
        if (timeout > 0) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            double elapsed =
                (double)(now.tv_sec - t0.tv_sec) + (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
            if (elapsed >= timeout && !*timed_out) {
                *timed_out = true;
                kill(pid, SIGKILL);
            }
            nanosleep(&tick, NULL);
        }
    }
}

/* Record how the program ended in the trace's meta table, so that the
 * replayer knows a finished program from a hung one. */
static void record_exit(const char *trace, int status, bool timed_out) {
    sqlite3 *db;
    if (sqlite3_open_v2(trace, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", -1, &st,
                           NULL) == SQLITE_OK) {
        const char *key = timed_out             ? "timed_out_signal"
                          : WIFSIGNALED(status) ? "exit_signal"
                                                : "exit_status";
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* A statically linked ELF executable: one without a program interpreter,
 * into which the runtime cannot be preloaded. */
static bool statically_linked(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    Elf64_Ehdr eh;
    bool is_static = false;
    if (read(fd, &eh, sizeof eh) == (ssize_t)sizeof eh && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
        eh.e_ident[EI_CLASS] == ELFCLASS64 && eh.e_type == ET_EXEC) {
        is_static = true;
        for (int k = 0; k < eh.e_phnum; k++) {
            Elf64_Phdr ph;
            if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + (Elf64_Off)k * eh.e_phentsize)) !=
                (ssize_t)sizeof ph)
                break;
            if (ph.p_type == PT_INTERP)
                is_static = false;
        }
    }
    close(fd);
    return is_static;
}

/* The absolute form of path, whose file need not exist yet. */
static bool absolute_path(const char *path, char *out, size_t size) {
    char dir[PATH_MAX], real[PATH_MAX];
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base)
        return false;
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
             slash ? path : ".");
    if (!realpath(dir, real))
        return false;
    return snprintf(out, size, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base) < (int)size;
}

/* How the program ended, for the user and the trace. */
static void say_end(const char *prog, int status, bool timed_out, double timeout) {
    if (timed_out)
        fprintf(stderr, "knot: %s timed out after %g s and was killed\n", prog, timeout);
    else if (WIFSIGNALED(status))
        fprintf(stderr, "knot: %s was killed by signal %d (%s)\n", prog, WTERMSIG(status),
                strsignal(WTERMSIG(status)));
    else if (WEXITSTATUS(status))
        fprintf(stderr, "knot: %s exited with status %d\n", prog, WEXITSTATUS(status));
}

/* One knot run, from its arguments to its exit status. */
typedef struct run {
    const char *trace; /* as given */
    double timeout;    /* seconds; 0: none */
    knot__check_opts opts;
    char **argv; /* the program and its arguments */
    char program[PATH_MAX], abs_trace[PATH_MAX];
    int status; /* the program's wait status; -1 if waiting failed */
    bool timed_out;
    int imported; /* knot__import_journal's: 0, 1 (nothing recorded) or 2 */
    knot__child_traces children;
} run;

/* Read knot run's arguments into ru. Sets ru->argv to go on; else returns
 * the exit status (0 after --help, 2 after one line). */
static int parse_args(run *ru, int argc, char **argv) {
    int i = 0;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            knot__command_help("run");
            return 0;
        }
        int got = knot__check_parse_option("run", &ru->opts, argc, argv, &i);
        if (got < 0)
            return 2;
        if (got > 0)
            continue;
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--timeout")) {
            if (i + 1 >= argc)
                return knot__usage_error("run", "%s needs a value", argv[i]);
            if (argv[i][1] == 'o') {
                ru->trace = argv[++i];
            } else {
                char *end;
                ru->timeout = strtod(argv[++i], &end);
                if (*end || ru->timeout <= 0)
                    return knot__usage_error("run", "bad --timeout '%s' (seconds > 0)", argv[i]);
            }
        } else if (argv[i][0] == '-') {
            return knot__usage_error("run", "unknown option '%s'", argv[i]);
        } else {
            break;
        }
    }
    if (i >= argc)
        return knot__usage_error("run", "no program given%s", "");
    ru->argv = argv + i;
    return 0;
}

/* Everything that can refuse does so before the program runs: a program
 * that is not there, a trace or output that must not be written, a trace
 * another run holds. Takes the trace's lock. 0, or 2 after one line. */
static int prepare(run *ru) {
    if (!knot__find_program(ru->argv[0], ru->program, sizeof ru->program)) {
        fprintf(stderr, "knot: cannot run %s: %s\n", ru->argv[0], strerror(ENOENT));
        return 2;
    }
    ru->opts.program = ru->program;
    char err[PATH_MAX + 256];
    if (!absolute_path(ru->trace, ru->abs_trace, sizeof ru->abs_trace)) {
        fprintf(stderr, "knot: cannot write %s: %s\n", ru->trace, strerror(errno ? errno : EINVAL));
        return 2;
    }
    knot__out_input prog = {ru->program, "the program it runs"};
    if (knot__outfile_check(ru->trace, KNOT_OUT_TRACE, &prog, 1, err, sizeof err) != 0 ||
        (ru->opts.output && !strcmp(ru->opts.output, ru->trace) &&
         snprintf(err, sizeof err, "%s is the trace it writes: refusing to write over it",
                  ru->opts.output) > 0)) {
        fprintf(stderr, "knot: %s\n", err);
        return 2;
    }
    if (knot__check_output_ok(ru->trace, &ru->opts) != 0)
        return 2;
    int locked = knot__trace_lock(ru->abs_trace, err, sizeof err);
    if (locked != 0) {
        if (locked == -2)
            fprintf(stderr, "knot: %s: another knot run is recording into this trace\n", ru->trace);
        else
            fprintf(stderr, "knot: %s\n", err);
        return 2;
    }
    /* A journal left by an earlier run is not this run's. */
    char stale[PATH_MAX + 32];
    knot__trace_journal_path(ru->abs_trace, stale, sizeof stale);
    unlink(stale);
    return 0;
}

/* Run the program to its end (or its --timeout), passing on the signals
 * that would end knot. 0, or 2 if it could not be started. */
static int execute(run *ru) {
    signal(SIGINT, forward);
    signal(SIGTERM, forward);
    signal(SIGHUP, forward);
    child_pid = start(ru->argv, ru->abs_trace);
    if (child_pid < 0)
        return 2;
    ru->status = wait_for(child_pid, ru->timeout, &ru->timed_out);
    return 0;
}

/* Import what the program and its child processes recorded, say how it
 * ended, and record that in the trace. */
static void collect(run *ru) {
    ru->imported = knot__import_journal(ru->abs_trace);
    /* With a text report on stderr, the report says how the program ended. */
    if (ru->status >= 0 && (ru->timed_out || ru->imported != 0 || ru->opts.output ||
                            ru->opts.format != KNOT_FORMAT_TEXT))
        say_end(ru->argv[0], ru->status, ru->timed_out, ru->timeout);
    if (ru->imported == 1) {
        if (statically_linked(ru->program))
            fprintf(stderr,
                    "knot: %s is statically linked: the recorder could not be loaded into it, "
                    "so nothing was recorded (build it with knot cc)\n",
                    ru->argv[0]);
        else
            fprintf(stderr,
                    "knot: %s wrote no trace (is it linked with knot? build it with knot cc)\n",
                    ru->argv[0]);
        ru->imported = 2;
    }
    if (ru->imported == 0 && ru->status >= 0)
        record_exit(ru->abs_trace, ru->status, ru->timed_out);
    if (ru->imported == 0)
        knot__summarise_trace(ru->trace, false);
    knot__import_children(ru->abs_trace, &ru->children);
}

/* Check the traces: the findings go to --output or to stderr, beside the
 * program's own diagnostics, never into its output; the children's
 * findings are the run's too. knot__check_report_run's status. */
static int check(run *ru) {
    ru->opts.to_stderr = true;
    return knot__check_report_run(ru->abs_trace, (const char *const *)ru->children.paths,
                                  (const char *const *)ru->children.labels, ru->children.n,
                                  &ru->opts);
}

/* The run's exit status: the program's own failure stays visible; a clean
 * exit with findings at or above --fail-on is 1. */
static int exit_status(const run *ru, int checked) {
    if (ru->status < 0 || ru->imported == 2 || checked == 2)
        return 2;
    if (WIFSIGNALED(ru->status))
        return 128 + WTERMSIG(ru->status);
    return WEXITSTATUS(ru->status) ? WEXITSTATUS(ru->status) : checked;
}

int knot__cmd_run(int argc, char **argv) {
    run ru = {.trace = KNOT_DEFAULT_TRACE,
              .opts = {.format = KNOT_FORMAT_TEXT, .fail_on = KNOT_WARNING}};
    int rc = parse_args(&ru, argc, argv);
    if (ru.argv && (rc = prepare(&ru)) == 0) {
        rc = execute(&ru);
        if (rc == 0) {
            collect(&ru);
            rc = exit_status(&ru, ru.imported == 0 ? check(&ru) : 0);
        }
        knot__child_traces_free(&ru.children);
        knot__trace_unlock();
    }
    free(ru.opts.rules);
    return rc;
}
