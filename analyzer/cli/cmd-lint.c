/* knot lint: the static checks, over a compilation database or files.
 *
 *   knot lint [-p BUILD_DIR] [--format text|json|sarif] [--fail-on note|warning|error]
 *             [--rule ID]... [-j N] [-o FILE] [FILES...] [-- COMPILER_ARGS...]
 *
 * Each translation unit is parsed once; several are linted at a time, one
 * libclang index per thread. The rules run once every unit is parsed, so
 * that a spawn wrapper defined in one file is known at its calls in all. */
#include "cli-commands.h"
#include "cli-output.h"
#include "findings-rules.h"
#include "lint-summary.h"
#include "lint.h"
#include "util-xalloc.h"

#include <clang-c/CXCompilationDatabase.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct options {
    const char *build_dir, *output;
    enum knot__format format;
    enum knot__severity fail_on;
    const char **rules;
    size_t nrules;
    long jobs;
    char **files;
    int nfiles;
    char **extra; /* after -- */
    int nextra;
    bool stats;
} options;

static void help(void) {
    puts("usage: knot lint [-p BUILD_DIR] [FILES...] [-- COMPILER_ARGS...]\n"
         "  -p BUILD_DIR       lint BUILD_DIR/compile_commands.json (only FILES, if given)\n"
         "  -- ARGS            compiler arguments for FILES (without -p)\n"
         "  --format FORMAT    text (default), json or sarif\n"
         "  -o FILE            write the findings to FILE\n"
         "  --fail-on LEVEL    exit 1 on findings at or above note, warning (default), error\n"
         "  --rule ID          only this rule (repeatable; see knot rules)\n"
         "  -j N               lint N files at a time (default: one per core)\n"
         "  --stats            say on stderr what each phase cost (CPU time)\n"
         "exit status: 0 clean, 1 findings, 2 usage or input error (clang errors included)");
}

static int usage(const char *fmt, const char *arg) {
    fputs("knot: lint: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (see knot lint --help)\n", stderr);
    return 2;
}

static int parse_value(options *o, const char *opt, const char *v) {
    if (!strcmp(opt, "-p")) {
        o->build_dir = v;
    } else if (!strcmp(opt, "-o")) {
        o->output = v;
    } else if (!strcmp(opt, "--format") || !strcmp(opt, "--fail-on") || !strcmp(opt, "--rule")) {
        int format = (int)o->format, fail_on = (int)o->fail_on;
        if (knot__output_option("lint", opt, v, KNOT_RULE_STATIC, &format, &fail_on, &o->rules,
                                &o->nrules) < 0)
            return 2;
        o->format = (enum knot__format)format;
        o->fail_on = (enum knot__severity)fail_on;
    } else {
        char *end;
        errno = 0;
        o->jobs = strtol(v, &end, 10);
        if (errno || *end || o->jobs < 1 || o->jobs > 1024)
            return usage("bad -j '%s' (1 to 1024)", v);
    }
    return 0;
}

static bool takes_value(const char *a) {
    return !strcmp(a, "-p") || !strcmp(a, "-o") || !strcmp(a, "--format") ||
           !strcmp(a, "--fail-on") || !strcmp(a, "--rule") || !strcmp(a, "-j");
}

static int parse_args(options *o, int argc, char **argv) {
    o->rules = knot__xcalloc((size_t)argc + 1, sizeof *o->rules);
    o->files = knot__xcalloc((size_t)argc + 1, sizeof *o->files);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help();
            return -1;
        }
        if (!strcmp(a, "--stats")) {
            o->stats = true;
            continue;
        }
        if (!strcmp(a, "--")) {
            o->extra = argv + i + 1;
            o->nextra = argc - i - 1;
            break;
        }
        if (takes_value(a)) {
            if (i + 1 >= argc)
                return usage("%s needs a value", a);
            if (parse_value(o, a, argv[++i]))
                return 2;
        } else if (!strncmp(a, "-j", 2) && a[2]) { /* -j4, as make and ninja take it */
            if (parse_value(o, "-j", a + 2))
                return 2;
        } else if (a[0] == '-' && a[1]) {
            return usage("unknown option '%s'", a);
        } else {
            o->files[o->nfiles++] = argv[i];
        }
    }
    if (!o->build_dir && o->nfiles == 0)
        return usage("nothing to lint: give -p BUILD_DIR or files%s", "");
    return 0;
}

/* ---- jobs ---- */

typedef struct jobs {
    knot__lint_job *v;
    size_t n;
} jobs;

/* A copy of what libclang says, "" for nothing. */
static char *clang_text(CXString s) {
    const char *text = clang_getCString(s);
    return knot__xstrdup(text ? text : "");
}

static knot__lint_job *new_job(jobs *js, int argc) {
    js->v = knot__xrealloc(js->v, (js->n + 1) * sizeof *js->v);
    char **argv = knot__xcalloc((size_t)argc + 1, sizeof *argv);
    knot__lint_job *j = &js->v[js->n++];
    *j = (knot__lint_job){.argv = argv, .argc = argc};
    return j;
}

/* Every command may include <knot/knot.h>: knot's own include directory
 * comes last in the search, after anything the command names. */
enum { KNOT_INCLUDE_ARGS = 2 };

static void add_knot_include(knot__lint_job *j) {
    char inc[PATH_MAX], lib[PATH_MAX];
    knot__runtime_dirs(inc, lib, sizeof inc);
    j->argv[j->argc - 2] = knot__xstrdup("-idirafter");
    j->argv[j->argc - 1] = knot__xstrdup(inc);
}

static void add_command(jobs *js, CXCompileCommand cmd, const options *o) {
    unsigned n = clang_CompileCommand_getNumArgs(cmd);
    knot__lint_job *j = new_job(js, (int)n + o->nextra + KNOT_INCLUDE_ARGS);
    add_knot_include(j);
    for (unsigned i = 0; i < n; i++) {
        CXString s = clang_CompileCommand_getArg(cmd, i);
        j->argv[i] = clang_text(s);
        clang_disposeString(s);
    }
    for (int i = 0; i < o->nextra; i++)
        j->argv[n + (unsigned)i] = knot__xstrdup(o->extra[i]);
    CXString dir = clang_CompileCommand_getDirectory(cmd),
             file = clang_CompileCommand_getFilename(cmd);
    j->dir = clang_text(dir);
    j->file = clang_text(file);
    clang_disposeString(dir);
    clang_disposeString(file);
}

static size_t add_commands(jobs *js, CXCompileCommands cmds, const options *o) {
    size_t n = cmds ? clang_CompileCommands_getSize(cmds) : 0;
    for (size_t i = 0; i < n; i++)
        add_command(js, clang_CompileCommands_getCommand(cmds, (unsigned)i), o);
    clang_CompileCommands_dispose(cmds);
    return n;
}

/* A bad compilation database: one line, as a compiler reports a bad file. */
static int bad_database(const char *path, const char *where, const char *why) {
    fprintf(stderr, "%s%s: error: %s\n", path, where, why);
    return 2;
}

/* libclang explains a database it cannot load on stderr, in several lines
 * ("LIBCLANG TOOLING ERROR: ...", YAML's, one per loader it tried). Keep
 * the JSON loader's reason, or the parser's with its line and column. */
static int explain_database(const char *path, FILE *said) {
    char line[1024], why[1024] = "not a compilation database", where[64] = "";
    rewind(said);
    while (fgets(line, sizeof line, said)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "YAML:", 5) == 0) {
            char *end;
            unsigned long l = strtoul(line + 5, &end, 10), c = 0;
            if (*end == ':')
                c = strtoul(end + 1, &end, 10);
            const char *msg = strstr(end, "error: ");
            if (msg) {
                snprintf(where, sizeof where, ":%lu:%lu", l, c);
                snprintf(why, sizeof why, "not valid JSON: %s", msg + strlen("error: "));
                break;
            }
        }
        const char *json = strstr(line, "json-compilation-database: ");
        if (json)
            snprintf(why, sizeof why, "not a compilation database: %s",
                     json + strlen("json-compilation-database: "));
    }
    return bad_database(path, where, why);
}

/* Load the database in dir, with libclang's own complaints caught. */
static CXCompilationDatabase load_database(const char *dir, const char *path, int *rc) {
    FILE *said = tmpfile();
    int saved = dup(2);
    fflush(stderr);
    if (said && saved >= 0)
        dup2(fileno(said), 2);
    CXCompilationDatabase_Error err;
    CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(dir, &err);
    fflush(stderr);
    if (said && saved >= 0)
        dup2(saved, 2);
    if (saved >= 0)
        close(saved);
    *rc = 0;
    if (err != CXCompilationDatabase_NoError) {
        *rc = said ? explain_database(path, said)
                   : bad_database(path, "", "cannot read the compilation database");
        clang_CompilationDatabase_dispose(db);
        db = NULL;
    }
    if (said)
        fclose(said);
    return db;
}

static int jobs_from_database(jobs *js, const options *o) {
    struct stat st;
    if (stat(o->build_dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return usage("-p %s: no such directory", o->build_dir);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/compile_commands.json", o->build_dir);
    if (stat(path, &st) != 0)
        return usage("no compile_commands.json in %s (configure with "
                     "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON)",
                     o->build_dir);
    FILE *f = S_ISREG(st.st_mode) ? fopen(path, "r") : NULL;
    if (!f)
        return bad_database(path, "", S_ISREG(st.st_mode) ? strerror(errno) : "not a file");
    fclose(f);
    if (st.st_size == 0)
        return bad_database(path, "", "the file is empty (did the configure step fail?)");
    int rc;
    CXCompilationDatabase db = load_database(o->build_dir, path, &rc);
    if (!db)
        return rc;
    if (o->nfiles == 0 &&
        add_commands(js, clang_CompilationDatabase_getAllCompileCommands(db), o) == 0)
        rc = bad_database(path, "", "lists no files to lint");
    for (int i = 0; i < o->nfiles && rc == 0; i++) {
        char abs[PATH_MAX];
        if (!realpath(o->files[i], abs))
            rc = usage("%s: no such file", o->files[i]);
        else if (add_commands(js, clang_CompilationDatabase_getCompileCommands(db, abs), o) == 0)
            rc = usage("%s: not in the compilation database", o->files[i]);
    }
    clang_CompilationDatabase_dispose(db);
    return rc;
}

static int jobs_from_files(jobs *js, const options *o) {
    for (int i = 0; i < o->nfiles; i++) {
        if (access(o->files[i], R_OK) != 0)
            return usage("%s: no such file", o->files[i]);
        knot__lint_job *j = new_job(js, o->nextra + 2 + KNOT_INCLUDE_ARGS);
        add_knot_include(j);
        j->file = knot__xstrdup(o->files[i]);
        j->argv[0] = knot__xstrdup("clang");
        for (int k = 0; k < o->nextra; k++)
            j->argv[k + 1] = knot__xstrdup(o->extra[k]);
        j->argv[o->nextra + 1] = knot__xstrdup(o->files[i]);
    }
    return 0;
}

static void jobs_free(jobs *js) {
    for (size_t i = 0; i < js->n; i++) {
        for (int k = 0; k < js->v[i].argc; k++)
            free(js->v[i].argv[k]);
        free(js->v[i].argv);
        free((char *)js->v[i].dir);
        free((char *)js->v[i].file);
    }
    free(js->v);
}

/* ---- parallel linting ----
 *
 * Two parallel passes over the units: parse and gather every unit's facts,
 * then (once every unit's spawn wrappers are combined, between the passes)
 * run the rules on each. The facts stay in memory in between; they are a
 * small fraction of the ASTs they come from, which are gone by then. */

typedef struct pool {
    const jobs *js;
    knot__lint_tu *tus;
    atomic_size_t next;
    bool checking;             /* the second pass */
    atomic_llong summarize_ns; /* CPU time, for --stats */
} pool;

typedef struct worker {
    pool *p;
    knot__findings found;
    int status;
} worker;

/* CPU time of this thread, or of the whole process (libclang parses on
 * threads of its own, so a parse is only seen in the process's time). */
static long long cpu_ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *lint_worker(void *arg) {
    worker *w = arg;
    pool *p = w->p;
    CXIndex idx = p->checking ? NULL : clang_createIndex(0, 0);
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, 1);
        if (i >= p->js->n)
            break;
        if (p->checking) {
            knot__lint_run_checks(&p->tus[i], &w->found);
            continue;
        }
        if (knot__lint_parse(idx, &p->js->v[i], &p->tus[i]) != 0)
            w->status = 2;
        long long t0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
        knot__lint_summarize(&p->tus[i]);
        atomic_fetch_add(&p->summarize_ns, cpu_ns(CLOCK_THREAD_CPUTIME_ID) - t0);
    }
    if (idx)
        clang_disposeIndex(idx);
    return NULL;
}

/* Move every finding of from into into. */
static void take_findings(knot__findings *into, knot__findings *from) {
    if (from->n == 0)
        return;
    knot__finding *v = knot__xrealloc(into->v, (into->n + from->n) * sizeof *v);
    memcpy(v + into->n, from->v, from->n * sizeof *v);
    into->v = v;
    into->n += from->n;
    into->cap = into->n;
    free(from->v);
    memset(from, 0, sizeof *from);
}

/* One pass over every unit with nthreads threads; the findings into out. */
static int run_pass(pool *p, long nthreads, knot__findings *out) {
    worker *ws = knot__xcalloc((size_t)nthreads, sizeof *ws);
    pthread_t *ts = knot__xcalloc((size_t)nthreads, sizeof *ts);
    atomic_store(&p->next, 0);
    /* the stack libclang gives a parse on its own thread (tune_memory) */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 8 << 20);
    long started = 1;
    ws[0].p = p;
    for (long i = 1; i < nthreads; i++) {
        ws[i].p = p;
        if (pthread_create(&ts[i], &attr, lint_worker, &ws[i]) != 0)
            break; /* fewer threads: the others do the work */
        started = i + 1;
    }
    pthread_attr_destroy(&attr);
    lint_worker(&ws[0]); /* the calling thread works too */
    int status = 0;
    for (long i = 0; i < started; i++) {
        if (i > 0)
            pthread_join(ts[i], NULL);
        if (ws[i].status)
            status = ws[i].status;
        take_findings(out, &ws[i].found);
    }
    free(ws);
    free(ts);
    return status;
}

/* CPU nanoseconds of each phase, for --stats. */
typedef struct phases {
    long long gather, combine, check;
} phases;

static void print_stats(const pool *p, const phases *t, const knot__lint_summary *s) {
    size_t passes = 0, chan_passes = 0;
    for (size_t i = 0; i < p->js->n; i++) {
        passes += p->tus[i].npasses;
        chan_passes += p->tus[i].nchan_passes;
    }
    long long summarize = atomic_load(&p->summarize_ns);
    fprintf(stderr,
            "knot: lint: %zu units, CPU ms: parse and gather %.1f, cross-unit summaries %.2f "
            "(%.2f in the units, %.2f combining; %zu calls pass parameters on, %zu spawn "
            "wrappers and joiners, %zu channel parameters, %zu calls hand them on), rules %.1f\n",
            p->js->n, (double)(t->gather - summarize) / 1e6, (double)(summarize + t->combine) / 1e6,
            (double)summarize / 1e6, (double)t->combine / 1e6, passes, s->n, s->nchans, chan_passes,
            (double)t->check / 1e6);
}

/* A parse is mostly allocation: clang's AST, the source read into memory.
 * Two things made knot's parse cost more than the same parse in clang-tidy:
 * libclang parses on a thread of its own (8 MB of stack) by default, whose
 * malloc arena grows a page at a time (an mprotect each); and every fresh
 * page is a page fault. So the parse runs on the linting thread itself
 * (the others get libclang's stack size, see run_pass), and the main heap
 * grows in one step over a region asking for transparent huge pages: a
 * fault per 2 MB rather than per 4 KB, and fewer TLB misses in the walk.
 * On sqlite3.c page faults drop from 17,000 to 4,500 and the CPU time by a
 * third. The region is only reserved: memory in use grows in 2 MB steps as
 * the parse needs it (131 MB at most on sqlite3.c, 116 MB before). */
enum { KNOT_LINT_HEAP = 512 << 20 };

static void tune_memory(void) {
    setenv("LIBCLANG_NOTHREADS", "1", 0);
#ifdef M_TOP_PAD
    mallopt(M_MMAP_THRESHOLD, 64 << 20); /* the source, AST slabs: from the heap */
    mallopt(M_TRIM_THRESHOLD, KNOT_LINT_HEAP);
    mallopt(M_TOP_PAD, KNOT_LINT_HEAP);
    char *first = malloc(1 << 20); /* grows the heap by the pad, now */
    char *end = sbrk(0);
    uintptr_t huge = 2 << 20, from = ((uintptr_t)first + huge - 1) & ~(huge - 1);
    if (first && end != (char *)-1 && (uintptr_t)end > from + huge)
        madvise((void *)from, ((uintptr_t)end - from) & ~(huge - 1), MADV_HUGEPAGE);
    free(first);
    mallopt(M_TOP_PAD, 1 << 20); /* then grow as usual, should it need more */
#endif
}

static int lint_all(const jobs *js, const options *o, knot__findings *out) {
    long nthreads = o->jobs;
    if ((size_t)nthreads > js->n)
        nthreads = (long)js->n;
    if (nthreads < 1)
        nthreads = 1;
    pool p = {.js = js, .tus = knot__xcalloc(js->n + 1, sizeof *p.tus)};
    knot__lint_tu **all = knot__xcalloc(js->n + 1, sizeof *all);
    tune_memory();
    phases t = {.gather = -cpu_ns(CLOCK_PROCESS_CPUTIME_ID)};
    int status = run_pass(&p, nthreads, out);
    t.gather += cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
    for (size_t i = 0; i < js->n; i++)
        all[i] = &p.tus[i];
    t.combine = -cpu_ns(CLOCK_THREAD_CPUTIME_ID);
    knot__lint_summary summary = {0};
    knot__lint_summary_build(&summary, all, js->n);
    t.combine += cpu_ns(CLOCK_THREAD_CPUTIME_ID);
    for (size_t i = 0; i < js->n; i++)
        p.tus[i].summary = &summary;
    p.checking = true;
    t.check = -cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
    run_pass(&p, nthreads, out);
    t.check += cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
    if (o->stats)
        print_stats(&p, &t, &summary);
    for (size_t i = 0; i < js->n; i++)
        knot__lint_tu_free(&p.tus[i]);
    knot__lint_summary_free(&summary);
    free(all);
    free(p.tus);
    return status;
}

static int lint(const options *o, knot__findings *fs) {
    jobs js = {0};
    int rc = o->build_dir ? jobs_from_database(&js, o) : jobs_from_files(&js, o);
    if (rc == 0) {
        int parse_status = lint_all(&js, o, fs);
        knot__findings_filter_rules(fs, o->rules, o->nrules);
        knot__findings_apply_suppressions(fs);
        knot__findings_sort(fs);
        knot__output out = {
            .format = o->format, .fail_on = o->fail_on, .path = o->output, .std = stdout};
        rc = knot__output_findings(fs, &out);
        if (rc != 2 && parse_status)
            rc = parse_status;
    }
    jobs_free(&js);
    return rc;
}

int knot__cmd_lint(int argc, char **argv) {
    options o = {
        .format = KNOT_FORMAT_TEXT, .fail_on = KNOT_WARNING, .jobs = sysconf(_SC_NPROCESSORS_ONLN)};
    knot__findings fs = {0};
    int rc = parse_args(&o, argc, argv);
    if (rc == 0)
        rc = lint(&o, &fs);
    else if (rc < 0)
        rc = 0; /* --help */
    knot__findings_free(&fs);
    free(o.rules);
    free(o.files);
    return rc;
}
