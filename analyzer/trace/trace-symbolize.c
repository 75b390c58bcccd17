/* Naming the sites of interposed calls: module + address → file, line,
 * function, through llvm-symbolizer (or binutils' addr2line) reading the
 * module's DWARF. A program built with -g gets file:line; without debug
 * information the site stays module + address, named by the function the
 * symbol table gives; without a symbolizer, module + address alone.
 * Objects that live in a module's static data are named by their symbol
 * (llvm-symbolizer's DATA queries; addr2line has none).
 *
 * A symbolizer is a process of its own that takes a tenth of a second or
 * more to load LLVM and the modules' DWARF, a quarter of a large import when
 * it ran at the end. Its questions are known once the journal's sites are
 * read, so the importer starts it then, and it works on the other core while
 * the events go in; its answers are read at the end. One llvm-symbolizer
 * run answers for all the modules, which loads LLVM once instead of twice
 * for each module. */
#include "trace-symbolize.h"
#include "trace-outfile.h"
#include "util-xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Whether module is a fixed-address executable (ET_EXEC): then symbolizers
 * want the absolute address, otherwise the offset into the module. */
static bool fixed_address(const char *module) {
    unsigned char h[18];
    int fd = open(module, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = read(fd, h, sizeof h) == (ssize_t)sizeof h && memcmp(h, "\177ELF", 4) == 0;
    close(fd);
    return ok && (h[16] | h[17] << 8) == 2;
}

/* Run the symbolizer over the addresses in file in, reading its answers;
 * module NULL (llvm-symbolizer only): each question names its module. */
static FILE *run_symbolizer(const char *tool, bool llvm, const char *module, int in, pid_t *pid) {
    int out[2];
    if (pipe(out) != 0)
        return NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char obj[4096 + 8];
    snprintf(obj, sizeof obj, "--obj=%s", module ? module : "");
    char *llvm_argv[] = {(char *)tool, obj, "--no-inlines", "--functions=linkage", NULL};
    if (!module) /* no --obj */
        memmove(llvm_argv + 1, llvm_argv + 2, 3 * sizeof *llvm_argv);
    char *binutils_argv[] = {(char *)tool, "-f", "-e", (char *)module, NULL};
    int rc = posix_spawn(pid, tool, &fa, NULL, llvm ? llvm_argv : binutils_argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    if (rc != 0) {
        close(out[0]);
        return NULL;
    }
    return fdopen(out[0], "r");
}

/* A file for the symbolizer's questions, gone from the disk already. */
static int scratch_file(void) {
    char tmpl[] = "/tmp/knot-symbolize-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd >= 0)
        unlink(tmpl);
    return fd;
}

static void chomp(char *s) {
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* One symbolizer's run: a module's sites, or the places in its static
 * data, with the rows its answers go to, in the order it was asked. */
typedef struct job {
    bool places, absolute;
    bool shared; /* asked in the one shared run, not a run of its own */
    char *module;
    int in; /* the questions, until it starts; -1 when shared */
    long long *ids;
    struct place {
        long long object;
        unsigned long long offset;
    } * at;
    size_t n, cap;
    FILE *answers; /* NULL: not started, or it could not be */
    pid_t pid;
} job;

struct knot__symbolizer {
    char tool[4096];
    bool llvm;
    job *jobs;
    size_t njobs, capjobs, started;
    /* llvm-symbolizer answers questions about any module in one run, each
     * naming its module: one process, which loads LLVM once, for all the
     * jobs whose module's path can be quoted (the others get runs of their
     * own, with --obj). Its answers come in the order it was asked. */
    int shared_in; /* the questions, until it starts; -1: none */
    FILE *shared;
    pid_t shared_pid;
};

/* Symbolizers at work at once: each is a process that maps LLVM and the
 * module's debug information. */
#define RUNNING_AT_ONCE 4

static job *add_job(knot__symbolizer *s, bool places, const char *module) {
    bool shared = s->llvm && !strpbrk(module, "\"\n");
    if (shared && s->shared_in < 0 && (s->shared_in = scratch_file()) < 0)
        return NULL;
    s->jobs = knot__xgrow(s->jobs, &s->capjobs, s->njobs + 1, sizeof *s->jobs);
    job *j = &s->jobs[s->njobs];
    *j = (job){.places = places,
               .absolute = fixed_address(module),
               .shared = shared,
               .in = shared ? -1 : scratch_file()};
    if (!shared && j->in < 0)
        return NULL;
    j->module = knot__xstrdup(module);
    s->njobs++;
    return j;
}

/* Ask j about the address: a line of the shared run's, or of its own. */
static void ask(const knot__symbolizer *s, const job *j, unsigned long long address) {
    if (j->shared)
        dprintf(s->shared_in, "%s \"%s\" 0x%llx\n", j->places ? "DATA" : "CODE", j->module,
                address);
    else
        dprintf(j->in, j->places ? "DATA 0x%llx\n" : "0x%llx\n", address);
}

static void start_job(knot__symbolizer *s, job *j) {
    if (j->in < 0)
        return;
    lseek(j->in, 0, SEEK_SET);
    if (j->n)
        j->answers = run_symbolizer(s->tool, s->llvm || j->places, j->module, j->in, &j->pid);
    close(j->in);
    j->in = -1;
}

/* The questions for the sites of one module. */
static void ask_sites(knot__symbolizer *s, sqlite3 *db, const char *module) {
    sqlite3_stmt *sel;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, address, offset FROM raw_sites WHERE module=? ORDER BY id",
                           -1, &sel, NULL) != SQLITE_OK)
        return;
    job *j = add_job(s, false, module);
    sqlite3_bind_text(sel, 1, module, -1, SQLITE_STATIC);
    while (j && sqlite3_step(sel) == SQLITE_ROW) {
        j->ids = knot__xgrow(j->ids, &j->cap, j->n + 1, sizeof *j->ids);
        j->ids[j->n++] = sqlite3_column_int64(sel, 0);
        ask(s, j, (unsigned long long)sqlite3_column_int64(sel, j->absolute ? 1 : 2));
    }
    sqlite3_finalize(sel);
}

/* Read the answers about one module's sites into sites. */
static void answer_sites(sqlite3 *db, bool llvm, const job *j) {
    sqlite3_stmt *upd, *fn_only = NULL;
    if (sqlite3_prepare_v2(db, "UPDATE sites SET file=?, line=?, function=? WHERE id=?", -1, &upd,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "UPDATE sites SET function=? WHERE id=?", -1, &fn_only, NULL) !=
            SQLITE_OK) {
        sqlite3_finalize(upd);
        return;
    }
    char func[1024], where[4096];
    for (size_t k = 0;
         k < j->n && fgets(func, sizeof func, j->answers) && fgets(where, sizeof where, j->answers);
         k++) {
        chomp(func);
        chomp(where);
        if (llvm) { /* each answer ends with a blank line */
            char blank[8];
            if (!fgets(blank, sizeof blank, j->answers))
                blank[0] = '\0';
        }
        /* "file:line:column" (llvm) or "file:line" (binutils); "??" when unknown */
        char *colon = strchr(where, ':');
        long line = colon && where[0] != '?' ? strtol(colon + 1, NULL, 10) : 0;
        if (line <= 0) {
            /* No debug information: the symbol table still names the
             * function; the site keeps its module + address. */
            if (func[0] && func[0] != '?') {
                sqlite3_bind_text(fn_only, 1, func, -1, SQLITE_TRANSIENT);
                sqlite3_bind_int64(fn_only, 2, j->ids[k]);
                sqlite3_step(fn_only);
                sqlite3_reset(fn_only);
            }
            continue;
        }
        *colon = '\0';
        sqlite3_bind_text(upd, 1, where, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(upd, 2, line);
        sqlite3_bind_text(upd, 3, func[0] == '?' ? NULL : func, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(upd, 4, j->ids[k]);
        sqlite3_step(upd);
        sqlite3_reset(upd);
    }
    sqlite3_finalize(upd);
    sqlite3_finalize(fn_only);
}

/* The questions for the objects of raw_places that lie in one module
 * (loaded at base): which global holds each. */
static void ask_places(knot__symbolizer *s, sqlite3 *db, const char *module, long long base,
                       long long next_base) {
    sqlite3_stmt *sel;
    if (sqlite3_prepare_v2(db,
                           "SELECT object, address FROM raw_places WHERE address >= ?1 AND "
                           "(?2 = 0 OR address < ?2) ORDER BY object",
                           -1, &sel, NULL) != SQLITE_OK)
        return;
    job *j = add_job(s, true, module);
    sqlite3_bind_int64(sel, 1, base);
    sqlite3_bind_int64(sel, 2, next_base);
    while (j && sqlite3_step(sel) == SQLITE_ROW) {
        j->at = knot__xgrow(j->at, &j->cap, j->n + 1, sizeof *j->at);
        unsigned long long addr = (unsigned long long)sqlite3_column_int64(sel, 1);
        j->at[j->n].object = sqlite3_column_int64(sel, 0);
        j->at[j->n].offset = j->absolute ? addr : addr - (unsigned long long)base;
        ask(s, j, j->at[j->n++].offset);
    }
    sqlite3_finalize(sel);
}

/* Name the objects of one module's places after the global that holds
 * them: "accounts_mu", "store+8". */
static void answer_places(sqlite3 *db, const job *j) {
    sqlite3_stmt *upd;
    if (sqlite3_prepare_v2(db, "UPDATE objects SET name=? WHERE id=? AND name IS NULL", -1, &upd,
                           NULL) != SQLITE_OK)
        return;
    char sym[1024], range[128], blank[8];
    for (size_t k = 0;
         k < j->n && fgets(sym, sizeof sym, j->answers) && fgets(range, sizeof range, j->answers) &&
         fgets(blank, sizeof blank, j->answers);
         k++) {
        chomp(sym);
        /* "start size": the nearest symbol below, which need not hold
         * the address. */
        char *end;
        unsigned long long start = strtoull(range, &end, 10);
        unsigned long long size = end != range ? strtoull(end, NULL, 10) : 0;
        if (end == range || sym[0] == '?' || !sym[0] || j->at[k].offset < start ||
            j->at[k].offset >= start + size)
            continue;
        char name[1100];
        if (j->at[k].offset == start)
            snprintf(name, sizeof name, "%s", sym);
        else
            snprintf(name, sizeof name, "%s+%llu", sym, j->at[k].offset - start);
        sqlite3_bind_text(upd, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(upd, 2, j->at[k].object);
        sqlite3_step(upd);
        sqlite3_reset(upd);
    }
    sqlite3_finalize(upd);
}

/* The questions about objects in modules' static data, each module found as
 * the one loaded highest below the object's address. */
static void ask_all_places(knot__symbolizer *s, sqlite3 *db) {
    sqlite3_stmt *mods;
    if (sqlite3_prepare_v2(db,
                           "SELECT module, min(address - offset) AS base FROM raw_sites "
                           "WHERE module <> '' GROUP BY module ORDER BY base",
                           -1, &mods, NULL) != SQLITE_OK)
        return;
    char module[4096] = "";
    long long base = 0;
    bool have = false;
    while (sqlite3_step(mods) == SQLITE_ROW) {
        const unsigned char *m = sqlite3_column_text(mods, 0);
        long long next = sqlite3_column_int64(mods, 1);
        if (have)
            ask_places(s, db, module, base, next);
        snprintf(module, sizeof module, "%s", m ? (const char *)m : "");
        base = next;
        have = true;
    }
    if (have)
        ask_places(s, db, module, base, 0);
    sqlite3_finalize(mods);
}

knot__symbolizer *knot__symbolize_start(sqlite3 *db) {
    knot__symbolizer *s = knot__xcalloc(1, sizeof *s);
    s->shared_in = -1;
    const char *env = getenv("KNOT_SYMBOLIZER");
    s->llvm = true;
    if (env && *env)
        snprintf(s->tool, sizeof s->tool, "%s", env), s->llvm = strstr(env, "addr2line") == NULL;
    else if (!knot__find_program("llvm-symbolizer", s->tool, sizeof s->tool))
        s->llvm = false, (void)knot__find_program("addr2line", s->tool, sizeof s->tool);
    if (access(s->tool, X_OK) != 0)
        return s; /* no symbolizer: sites stay module + address */
    if (s->llvm)
        ask_all_places(s, db);
    sqlite3_stmt *mods;
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT module FROM raw_sites", -1, &mods, NULL) !=
        SQLITE_OK)
        return s;
    while (sqlite3_step(mods) == SQLITE_ROW) {
        const unsigned char *m = sqlite3_column_text(mods, 0);
        if (m && *m)
            ask_sites(s, db, (const char *)m);
    }
    sqlite3_finalize(mods);
    if (s->shared_in >= 0) {
        lseek(s->shared_in, 0, SEEK_SET);
        s->shared = run_symbolizer(s->tool, true, NULL, s->shared_in, &s->shared_pid);
        close(s->shared_in);
        s->shared_in = -1;
        for (size_t k = 0; k < s->njobs; k++)
            if (s->jobs[k].shared)
                s->jobs[k].answers = s->shared;
    }
    for (; s->started < s->njobs && s->started < RUNNING_AT_ONCE; s->started++)
        start_job(s, &s->jobs[s->started]);
    return s;
}

void knot__symbolize_finish(knot__symbolizer *s, sqlite3 *db) {
    for (size_t k = 0; k < s->njobs; k++) {
        job *j = &s->jobs[k];
        /* Keep RUNNING_AT_ONCE at work while this one's answers are read. */
        if (db && s->started < s->njobs)
            start_job(s, &s->jobs[s->started++]);
        if (db && j->answers && j->places)
            answer_places(db, j);
        else if (db && j->answers)
            answer_sites(db, s->llvm, j);
        if (j->answers && !j->shared) {
            if (!db) /* abandoned: its answers are not wanted */
                kill(j->pid, SIGTERM);
            fclose(j->answers);
            waitpid(j->pid, NULL, 0);
        }
        if (j->in >= 0)
            close(j->in);
        free(j->module);
        free(j->ids);
        free(j->at);
    }
    if (s->shared) {
        if (!db)
            kill(s->shared_pid, SIGTERM);
        fclose(s->shared);
        waitpid(s->shared_pid, NULL, 0);
    }
    if (s->shared_in >= 0)
        close(s->shared_in);
    free(s->jobs);
    free(s);
}
