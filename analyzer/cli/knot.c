/* The knot command line.
 *
 *   knot cc ARGS...                                   compile and link with the runtime
 *   knot run [-o TRACE] [--timeout S] -- PROG ARGS...  run with recording, import, summarise
 *   knot import TRACE                                 import a journal a program left behind
 *   knot summary TRACE                                what a trace holds
 *
 * Exit status: the program's own for `run` (128+N if a signal N ended it);
 * otherwise 0 on success and 2 for usage or input errors, each with one line
 * on stderr. */
#include "check.h"
#include "commands.h"
#include "outfile.h"
#include "record.h"
#include "replay.h"
#include "trace-import.h"
#include "xalloc.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TRACE "knot-trace.db"

/* Each subcommand's usage, for `knot --help` and `knot CMD --help`. */
static const struct {
    const char *cmd, *text;
} usages[] = {
    {"cc", "knot cc ARGS...                  compile and link with knot's runtime\n"},
    {"run",
     "knot run [-o TRACE] [--timeout SECONDS] [CHECK OPTIONS] [--] PROGRAM ARGS...\n"
     "                                        run PROGRAM, record it into TRACE\n"
     "                                        (default " DEFAULT_TRACE ") and check it; the\n"
     "                                        findings go to --output FILE or stderr\n"},
    {"import", "knot import TRACE                import the journal a traced program left\n"},
    {"summary", "knot summary TRACE               tasks, objects, events, blocked tasks\n"},
    {"check", "knot check TRACE [--format text|json|sarif] [--fail-on note|warning|error]\n"
              "                  [--rule ID]... [-o|--output FILE]\n"
              "                                        report what the trace shows and predicts\n"},
    {"graph",
     "knot graph TRACE [--kind wfg|hb] [--finding N] [--tasks 1,2,...] [--window N]\n"
     "                  -o FILE.svg|.png|.pdf|.dot\n"
     "                                        draw the wait-for graph or happens-before\n"},
    {"report", "knot report TRACE -o FILE.html   one page: findings, sources, pictures\n"},
    {"export", "knot export TRACE [--format chrome] -o FILE.json\n"
               "                                        the run as a timeline for Perfetto and\n"
               "                                        chrome://tracing (Trace Event Format)\n"},
    {"rules", "knot rules                       list the rules and what each finds\n"},
    {"lint",
     "knot lint [-p BUILD_DIR] [FILES...] [-- COMPILER_ARGS...]\n"
     "                                        check the source statically (see docs/ci.md)\n"},
};

static void help(void) {
    for (size_t k = 0; k < sizeof usages / sizeof usages[0]; k++)
        printf("%s%s", k ? "       " : "usage: ", usages[k].text);
    puts("       knot --version\n"
         "exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input error\n"
         "(knot run: the program's own status when it failed)");
}

/* knot CMD --help: CMD's usage alone. False if CMD has none of its own. */
static bool command_help(const char *cmd) {
    for (size_t k = 0; k < sizeof usages / sizeof usages[0]; k++)
        if (!strcmp(usages[k].cmd, cmd)) {
            printf("usage: %s", usages[k].text);
            return true;
        }
    return false;
}

static bool is_help(const char *a) { return !strcmp(a, "--help") || !strcmp(a, "-h"); }

/* A usage error: one line, pointing at the subcommand's own help. */
static int usage_error(const char *cmd, const char *fmt, const char *arg) {
    fprintf(stderr, "knot: %s%s", cmd ? cmd : "", cmd ? ": " : "");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see knot %s%s--help)\n", cmd ? cmd : "", cmd ? " " : "");
    return 2;
}

/* ---- where the runtime lives ------------------------------------------------------ */

static bool exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* An installed knot finds its header and library beside its own binary
 * (prefix/bin/knot → prefix/include, prefix/lib); a knot run from its build
 * tree uses the tree it was built from. */
void knot_runtime_dirs(char *inc, char *lib, size_t size) {
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char probe[PATH_MAX + 64];
            snprintf(probe, sizeof probe, "%s/../include/knot/knot.h", exe);
            if (exists(probe) && strlen(exe) + 64 < size) {
                snprintf(inc, size, "%s/../include", exe);
                snprintf(lib, size, "%s/../%s", exe, KNOT_INSTALL_LIBDIR);
                return;
            }
        }
    }
    snprintf(inc, size, "%s", KNOT_BUILD_INCLUDE_DIR);
    snprintf(lib, size, "%s", KNOT_BUILD_LIB_DIR);
}

/* ---- knot cc --------------------------------------------------------------------- */

/* A C or C++ source file named on a compiler's command line. */
static bool is_source(const char *arg) {
    const char *dot = strrchr(arg, '.');
    static const char *const exts[] = {".c", ".cc", ".cpp", ".cxx", ".C", ".i"};
    if (!dot || arg[0] == '-')
        return false;
    for (size_t k = 0; k < sizeof exts / sizeof exts[0]; k++)
        if (!strcmp(dot, exts[k]))
            return exists(arg);
    return false;
}

/* Sources and include directories by absolute path, so that the sites
 * recorded (__FILE__, debug info) name the same files from any directory:
 * knot check, report and `knot:ignore` read them from wherever they run.
 * Returns arg itself or a malloc'd absolute form. */
static char *absolute_arg(const char *prev, char *arg) {
    char real[PATH_MAX];
    const char *dir_opts[] = {"-I", "-iquote", "-isystem", "-idirafter"};
    if (prev && (!strcmp(prev, "-o") || !strcmp(prev, "-MF") || !strcmp(prev, "-MT") ||
                 !strcmp(prev, "-MQ") || !strcmp(prev, "-x")))
        return arg;
    for (size_t k = 0; prev && k < sizeof dir_opts / sizeof dir_opts[0]; k++) {
        if (!strcmp(prev, dir_opts[k]) && arg[0] != '/' && realpath(arg, real))
            return knot_xstrdup(real);
    }
    if (!strncmp(arg, "-I", 2) && arg[2] && arg[2] != '/' && realpath(arg + 2, real)) {
        char *out = knot_xmalloc(strlen(real) + 3);
        sprintf(out, "-I%s", real);
        return out;
    }
    if (arg[0] != '/' && is_source(arg) && realpath(arg, real))
        return knot_xstrdup(real);
    return arg;
}

static int cmd_cc(int argc, char **argv) {
    if (argc < 1)
        return usage_error("cc", "no arguments given to the compiler%s", "");
    char inc[PATH_MAX + 64], lib[PATH_MAX + 64];
    knot_runtime_dirs(inc, lib, sizeof inc);
    bool link = true;
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "-c") || !strcmp(argv[i], "-S") || !strcmp(argv[i], "-E"))
            link = false;
    const char *cc = getenv("CC");
    if (!cc || !*cc)
        cc = "cc";
    char iflag[PATH_MAX + 80], lflag[PATH_MAX + 80], rpath[PATH_MAX + 96];
    snprintf(iflag, sizeof iflag, "-I%s", inc);
    snprintf(lflag, sizeof lflag, "-L%s", lib);
    snprintf(rpath, sizeof rpath, "-Wl,-rpath,%s", lib);
    char **args = knot_xcalloc((size_t)argc + 8, sizeof *args);
    int k = 0;
    args[k++] = (char *)cc;
    args[k++] = iflag;
    args[k++] = "-g";
    args[k++] = "-pthread";
    for (int i = 0; i < argc; i++)
        args[k++] = absolute_arg(i ? argv[i - 1] : NULL, argv[i]);
    if (link) {
        args[k++] = lflag;
        args[k++] = rpath;
        args[k++] = "-lknot";
    }
    args[k] = NULL;
    execvp(cc, args);
    fprintf(stderr, "knot: cc: cannot run %s: %s\n", cc, strerror(errno));
    free(args);
    return 2;
}

/* ---- traces ------------------------------------------------------------------------ */

static long long count(sqlite3 *db, const char *sql) {
    sqlite3_stmt *st;
    long long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Counts and, with list_blocked, the tasks blocked when the trace ended
 * (knot run leaves those to the leak and deadlock findings). */
static int summarise_trace(const char *path, bool list_blocked) {
    knot_replay r;
    if (knot_check_open(&r, path) != 0)
        return 2;
    sqlite3 *db = r.db;
    fprintf(stderr, "knot: %s: %lld tasks, %lld objects, %lld events\n", path,
            count(db, "SELECT count(*) FROM tasks"), count(db, "SELECT count(*) FROM objects"),
            count(db, "SELECT count(*) FROM events"));
    if (!list_blocked) {
        knot_replay_close(&r);
        return 0;
    }
    sqlite3_stmt *st;
    const char *sql = "SELECT b.task, b.kind, s.file, s.line, s.function, o.name, o.kind,"
                      " ms.file, ms.line FROM blocked_at_end b"
                      " LEFT JOIN sites s ON s.id = b.site"
                      " LEFT JOIN objects o ON o.id = b.object"
                      " LEFT JOIN sites ms ON ms.id = o.site ORDER BY b.task";
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "knot: %s: %s\n", path, sqlite3_errmsg(db));
        knot_replay_close(&r);
        return 2;
    }
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n++ == 0)
            fputs("knot: tasks still blocked at the end:\n", stderr);
        fprintf(stderr, "  task %lld [%s] at %s:%d in %s()", sqlite3_column_int64(st, 0),
                (const char *)sqlite3_column_text(st, 1),
                sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "?",
                sqlite3_column_int(st, 3),
                sqlite3_column_text(st, 4) ? (const char *)sqlite3_column_text(st, 4) : "?");
        if (sqlite3_column_text(st, 6)) {
            const unsigned char *name = sqlite3_column_text(st, 5);
            fprintf(stderr, " on %s%s%s%s made at %s:%d", (const char *)sqlite3_column_text(st, 6),
                    name ? " \"" : "", name ? (const char *)name : "", name ? "\"" : "",
                    sqlite3_column_text(st, 7) ? (const char *)sqlite3_column_text(st, 7) : "?",
                    sqlite3_column_int(st, 8));
        }
        fputc('\n', stderr);
    }
    if (n == 0)
        fputs("knot: no task was blocked at the end\n", stderr);
    sqlite3_finalize(st);
    knot_replay_close(&r);
    return 0;
}

static int summarise(const char *path) { return summarise_trace(path, true); }

/* Import trace's journal if one is there. Returns 0, 1 (no journal) or 2. */
static int import_journal(const char *trace) {
    char err[512];
    knot_import_stats stats;
    int rc = knot_trace_import_pending(trace, &stats, err, sizeof err);
    if (rc < 0)
        fprintf(stderr, "knot: %s\n", err);
    return rc < 0 ? 2 : rc;
}

/* The traces a run's child processes left, to be checked with its own. */
typedef struct child_traces {
    char **paths, **labels;
    size_t n;
} child_traces;

static void child_traces_free(child_traces *c) {
    for (size_t k = 0; k < c->n; k++) {
        free(c->paths[k]);
        free(c->labels[k]);
    }
    free(c->paths);
    free(c->labels);
    memset(c, 0, sizeof *c);
}

/* Whether a child's trace holds nothing but its main task starting and
 * ending (a shell that only ran other programs, say); else its label, "child
 * process NAME (pid N)", into label. */
static bool recorded_nothing(const char *path, char *label, size_t size) {
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return false;
    }
    bool nothing = count(db, "SELECT count(*) FROM events WHERE kind NOT IN "
                             "('task_start','task_end')") == 0 &&
                   count(db, "SELECT count(*) FROM tasks") <= 1;
    const char *program = "?";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='program'", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        program = (const char *)sqlite3_column_text(st, 0);
    const char *base = strrchr(program, '/');
    snprintf(label, size, "child process %s (pid %lld)", base ? base + 1 : program,
             count(db, "SELECT value FROM meta WHERE key='pid'"));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return nothing;
}

/* Child processes (forked, or programs the traced one ran) left traces of
 * their own beside it: "app-PID.db". Import each; one that recorded nothing
 * leaves no file and says nothing, the others are summarised and kept for
 * the check. */
static void import_children(const char *trace, child_traces *out) {
    char pattern[PATH_MAX + 64];
    knot__trace_child_path(trace, 0, pattern, sizeof pattern);
    char *zero = strrchr(pattern, '0'); /* the pid's place: make it a wildcard */
    if (!zero)
        return;
    char glob_pattern[PATH_MAX + 96];
    snprintf(glob_pattern, sizeof glob_pattern, "%.*s[0-9]*%s.knot-journal", (int)(zero - pattern),
             pattern, zero + 1);
    glob_t g;
    if (glob(glob_pattern, 0, NULL, &g) != 0)
        return;
    for (size_t k = 0; k < g.gl_pathc; k++) {
        char child[PATH_MAX], label[PATH_MAX + 64];
        size_t n = strlen(g.gl_pathv[k]) - strlen(".knot-journal");
        snprintf(child, sizeof child, "%.*s", (int)n, g.gl_pathv[k]);
        struct stat st;
        if (stat(g.gl_pathv[k], &st) == 0 && st.st_size < (off_t)KNOT__JOURNAL_HEADER) {
            unlink(g.gl_pathv[k]); /* a header and no event: nothing recorded */
            continue;
        }
        if (import_journal(child) != 0)
            continue;
        if (recorded_nothing(child, label, sizeof label)) {
            unlink(child);
            continue;
        }
        summarise_trace(child, false);
        out->paths = knot_xrealloc(out->paths, (out->n + 1) * sizeof *out->paths);
        out->labels = knot_xrealloc(out->labels, (out->n + 1) * sizeof *out->labels);
        out->paths[out->n] = knot_xstrdup(child);
        out->labels[out->n] = knot_xstrdup(label);
        out->n++;
    }
    globfree(&g);
}

static int cmd_import(int argc, char **argv) {
    if (argc != 1)
        return usage_error("import", "expected one trace path%s", "");
    int rc = import_journal(argv[0]);
    if (rc == 1) {
        fprintf(stderr, "knot: %s: no journal to import (%s.knot-journal)\n", argv[0], argv[0]);
        return 2;
    }
    return rc ? rc : summarise(argv[0]);
}

static int cmd_summary(int argc, char **argv) {
    if (argc != 1)
        return usage_error("summary", "expected one trace path%s", "");
    return summarise(argv[0]);
}

/* ---- knot run ------------------------------------------------------------------------ */

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
        knot_runtime_dirs(inc, lib, sizeof inc);
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

static int cmd_run(int argc, char **argv) {
    const char *trace = DEFAULT_TRACE;
    double timeout = 0;
    knot_check_opts opts = {.format = KNOT_FORMAT_TEXT, .fail_on = KNOT_WARNING};
    int i = 0;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            i++;
            break;
        }
        if (is_help(argv[i])) {
            command_help("run");
            free(opts.rules);
            return 0;
        }
        int got = knot_check_parse_option(&opts, argc, argv, &i);
        if (got < 0)
            return 2;
        if (got > 0)
            continue;
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--timeout")) {
            if (i + 1 >= argc)
                return usage_error("run", "%s needs a value", argv[i]);
            if (argv[i][1] == 'o') {
                trace = argv[++i];
            } else {
                char *end;
                timeout = strtod(argv[++i], &end);
                if (*end || timeout <= 0)
                    return usage_error("run", "bad --timeout '%s' (seconds > 0)", argv[i]);
            }
        } else if (argv[i][0] == '-') {
            return usage_error("run", "unknown option '%s'", argv[i]);
        } else {
            break;
        }
    }
    if (i >= argc)
        return usage_error("run", "no program given%s", "");

    /* Everything that can refuse does so before the program runs. */
    char program[PATH_MAX];
    if (!knot_find_program(argv[i], program, sizeof program)) {
        fprintf(stderr, "knot: cannot run %s: %s\n", argv[i], strerror(ENOENT));
        free(opts.rules);
        return 2;
    }
    opts.program = program;
    char abs_trace[PATH_MAX], err[PATH_MAX + 256];
    if (!absolute_path(trace, abs_trace, sizeof abs_trace)) {
        fprintf(stderr, "knot: cannot write %s: %s\n", trace, strerror(errno ? errno : EINVAL));
        free(opts.rules);
        return 2;
    }
    knot_out_input prog = {program, "the program it runs"};
    if (knot_outfile_check(trace, KNOT_OUT_TRACE, &prog, 1, err, sizeof err) != 0 ||
        (opts.output && !strcmp(opts.output, trace) &&
         snprintf(err, sizeof err, "%s is the trace it writes: refusing to write over it",
                  opts.output) > 0)) {
        fprintf(stderr, "knot: %s\n", err);
        free(opts.rules);
        return 2;
    }
    if (knot_check_output_ok(trace, &opts) != 0) {
        free(opts.rules);
        return 2;
    }
    int locked = knot_trace_lock(abs_trace, err, sizeof err);
    if (locked != 0) {
        if (locked == -2)
            fprintf(stderr, "knot: %s: another knot run is recording into this trace\n", trace);
        else
            fprintf(stderr, "knot: %s\n", err);
        free(opts.rules);
        return 2;
    }

    /* A journal left by an earlier run is not this run's. */
    char stale[PATH_MAX + 32];
    knot_trace_journal_path(abs_trace, stale, sizeof stale);
    unlink(stale);

    signal(SIGINT, forward);
    signal(SIGTERM, forward);
    signal(SIGHUP, forward);
    child_pid = start(argv + i, abs_trace);
    if (child_pid < 0) {
        knot_trace_unlock();
        free(opts.rules);
        return 2;
    }
    bool timed_out = false;
    int status = wait_for(child_pid, timeout, &timed_out);
    int rc = import_journal(abs_trace);
    /* With a text report on stderr, the report says how the program ended. */
    if (status >= 0 && (timed_out || rc != 0 || opts.output || opts.format != KNOT_FORMAT_TEXT))
        say_end(argv[i], status, timed_out, timeout);
    if (rc == 1) {
        if (statically_linked(program))
            fprintf(stderr,
                    "knot: %s is statically linked: the recorder could not be loaded into it, "
                    "so nothing was recorded (build it with knot cc)\n",
                    argv[i]);
        else
            fprintf(stderr,
                    "knot: %s wrote no trace (is it linked with knot? build it with knot cc)\n",
                    argv[i]);
        rc = 2;
    }
    if (rc == 0 && status >= 0)
        record_exit(abs_trace, status, timed_out);
    if (rc == 0)
        summarise_trace(trace, false);
    child_traces children = {0};
    import_children(abs_trace, &children);

    int checked = 0;
    if (rc == 0) {
        /* The findings go to --output or to stderr, beside the program's
         * own diagnostics: never into its output. The children's findings
         * are the run's too. */
        opts.to_stderr = true;
        checked = knot_check_report_run(abs_trace, (const char *const *)children.paths,
                                        (const char *const *)children.labels, children.n, &opts);
    }
    child_traces_free(&children);
    knot_trace_unlock();
    free(opts.rules);
    if (status < 0 || rc == 2 || checked == 2)
        return 2;
    /* The program's own failure stays visible; a clean exit with findings
     * at or above --fail-on is 1. */
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WEXITSTATUS(status) ? WEXITSTATUS(status) : checked;
}

int main(int argc, char **argv) {
    if (argc < 2)
        return usage_error(NULL, "no command given%s", "");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        help();
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("knot %s\n", KNOT_VERSION_STRING);
        return 0;
    }
    /* knot CMD --help, for every subcommand whose arguments are knot's. */
    if (strcmp(cmd, "cc") != 0 && strcmp(cmd, "run") != 0 && strcmp(cmd, "lint") != 0)
        for (int i = 2; i < argc; i++)
            if (is_help(argv[i]) && command_help(cmd))
                return 0;
    if (!strcmp(cmd, "cc"))
        return cmd_cc(argc - 2, argv + 2);
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 2, argv + 2);
    if (!strcmp(cmd, "import"))
        return cmd_import(argc - 2, argv + 2);
    if (!strcmp(cmd, "summary"))
        return cmd_summary(argc - 2, argv + 2);
    if (!strcmp(cmd, "check"))
        return knot_cmd_check(argc - 2, argv + 2);
    if (!strcmp(cmd, "graph"))
        return knot_cmd_graph(argc - 2, argv + 2);
    if (!strcmp(cmd, "report"))
        return knot_cmd_report(argc - 2, argv + 2);
    if (!strcmp(cmd, "export"))
        return knot_cmd_export(argc - 2, argv + 2);
    if (!strcmp(cmd, "rules"))
        return knot_cmd_rules(argc - 2, argv + 2);
    if (!strcmp(cmd, "lint"))
        return knot_cmd_lint(argc - 2, argv + 2);
    return usage_error(NULL, "unknown command '%s'", cmd);
}
