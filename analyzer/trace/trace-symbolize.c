/* Naming the sites of interposed calls: module + address → file, line,
 * function, through llvm-symbolizer (or binutils' addr2line) reading the
 * module's DWARF. A program built with -g gets file:line; without debug
 * information the site stays module + address, named by the function the
 * symbol table gives; without a symbolizer, module + address alone.
 * Objects that live in a module's static data are named by their symbol
 * (llvm-symbolizer's DATA queries; addr2line has none). */
#include "trace-symbolize.h"
#include "util-xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static bool on_path(const char *prog, char *out, size_t size) {
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    while (*path) {
        const char *colon = strchr(path, ':');
        size_t n = colon ? (size_t)(colon - path) : strlen(path);
        snprintf(out, size, "%.*s/%s", (int)n, path, prog);
        if (access(out, X_OK) == 0)
            return true;
        path += n + (colon ? 1 : 0);
    }
    return false;
}

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

/* Run the symbolizer over the addresses in file in, reading its answers. */
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
    snprintf(obj, sizeof obj, "--obj=%s", module);
    char *llvm_argv[] = {(char *)tool, obj, "--no-inlines", "--functions=linkage", NULL};
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

/* Symbolize the sites of one module. */
static void one_module(sqlite3 *db, const char *tool, bool llvm, const char *module) {
    bool absolute = fixed_address(module);
    sqlite3_stmt *sel, *upd;
    if (sqlite3_prepare_v2(db,
                           "SELECT id, address, offset FROM raw_sites WHERE module=? ORDER BY id",
                           -1, &sel, NULL) != SQLITE_OK)
        return;
    sqlite3_stmt *fn_only = NULL;
    if (sqlite3_prepare_v2(db, "UPDATE sites SET file=?, line=?, function=? WHERE id=?", -1, &upd,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "UPDATE sites SET function=? WHERE id=?", -1, &fn_only, NULL) !=
            SQLITE_OK) {
        sqlite3_finalize(sel);
        sqlite3_finalize(upd);
        return;
    }
    int in = scratch_file();
    if (in < 0)
        goto out;
    sqlite3_bind_text(sel, 1, module, -1, SQLITE_STATIC);
    long long *ids = NULL;
    size_t n = 0, cap = 0;
    while (sqlite3_step(sel) == SQLITE_ROW) {
        ids = knot__xgrow(ids, &cap, n + 1, sizeof *ids);
        ids[n++] = sqlite3_column_int64(sel, 0);
        dprintf(in, "0x%llx\n", (unsigned long long)sqlite3_column_int64(sel, absolute ? 1 : 2));
    }
    lseek(in, 0, SEEK_SET);
    pid_t pid;
    FILE *f = run_symbolizer(tool, llvm, module, in, &pid);
    close(in);
    if (f) {
        char func[1024], where[4096];
        for (size_t k = 0; k < n && fgets(func, sizeof func, f) && fgets(where, sizeof where, f);
             k++) {
            chomp(func);
            chomp(where);
            if (llvm) { /* each answer ends with a blank line */
                char blank[8];
                if (!fgets(blank, sizeof blank, f))
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
                    sqlite3_bind_int64(fn_only, 2, ids[k]);
                    sqlite3_step(fn_only);
                    sqlite3_reset(fn_only);
                }
                continue;
            }
            *colon = '\0';
            sqlite3_bind_text(upd, 1, where, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(upd, 2, line);
            sqlite3_bind_text(upd, 3, func[0] == '?' ? NULL : func, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(upd, 4, ids[k]);
            sqlite3_step(upd);
            sqlite3_reset(upd);
        }
        fclose(f);
        waitpid(pid, NULL, 0);
    }
    free(ids);
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    sqlite3_finalize(fn_only);
}

/* Name the objects of raw_places that lie in one module (loaded at base)
 * after the global that holds them: "accounts_mu", "store+8". */
static void name_places(sqlite3 *db, const char *tool, const char *module, long long base,
                        long long next_base) {
    bool absolute = fixed_address(module);
    sqlite3_stmt *sel, *upd;
    if (sqlite3_prepare_v2(db,
                           "SELECT object, address FROM raw_places WHERE address >= ?1 AND "
                           "(?2 = 0 OR address < ?2) ORDER BY object",
                           -1, &sel, NULL) != SQLITE_OK)
        return;
    if (sqlite3_prepare_v2(db, "UPDATE objects SET name=? WHERE id=? AND name IS NULL", -1, &upd,
                           NULL) != SQLITE_OK)
        goto out;
    int in = scratch_file();
    if (in < 0)
        goto out;
    sqlite3_bind_int64(sel, 1, base);
    sqlite3_bind_int64(sel, 2, next_base);
    struct place {
        long long object;
        unsigned long long offset;
    } *places = NULL;
    size_t n = 0, cap = 0;
    while (sqlite3_step(sel) == SQLITE_ROW) {
        places = knot__xgrow(places, &cap, n + 1, sizeof *places);
        unsigned long long addr = (unsigned long long)sqlite3_column_int64(sel, 1);
        places[n].object = sqlite3_column_int64(sel, 0);
        places[n].offset = absolute ? addr : addr - (unsigned long long)base;
        dprintf(in, "DATA 0x%llx\n", places[n++].offset);
    }
    lseek(in, 0, SEEK_SET);
    pid_t pid;
    FILE *f = n ? run_symbolizer(tool, true, module, in, &pid) : NULL;
    close(in);
    if (f) {
        char sym[1024], range[128], blank[8];
        for (size_t k = 0; k < n && fgets(sym, sizeof sym, f) && fgets(range, sizeof range, f) &&
                           fgets(blank, sizeof blank, f);
             k++) {
            chomp(sym);
            /* "start size": the nearest symbol below, which need not hold
             * the address. */
            char *end;
            unsigned long long start = strtoull(range, &end, 10);
            unsigned long long size = end != range ? strtoull(end, NULL, 10) : 0;
            if (end == range || sym[0] == '?' || !sym[0] || places[k].offset < start ||
                places[k].offset >= start + size)
                continue;
            char name[1100];
            if (places[k].offset == start)
                snprintf(name, sizeof name, "%s", sym);
            else
                snprintf(name, sizeof name, "%s+%llu", sym, places[k].offset - start);
            sqlite3_bind_text(upd, 1, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(upd, 2, places[k].object);
            sqlite3_step(upd);
            sqlite3_reset(upd);
        }
        fclose(f);
        waitpid(pid, NULL, 0);
    }
    free(places);
out:
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
}

/* Name the objects in modules' static data, each module found as the one
 * loaded highest below the object's address. */
static void symbolize_places(sqlite3 *db, const char *tool) {
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
            name_places(db, tool, module, base, next);
        snprintf(module, sizeof module, "%s", m ? (const char *)m : "");
        base = next;
        have = true;
    }
    if (have)
        name_places(db, tool, module, base, 0);
    sqlite3_finalize(mods);
}

void knot__symbolize_sites(sqlite3 *db) {
    char tool[4096];
    const char *env = getenv("KNOT_SYMBOLIZER");
    bool llvm = true;
    if (env && *env)
        snprintf(tool, sizeof tool, "%s", env), llvm = strstr(env, "addr2line") == NULL;
    else if (!on_path("llvm-symbolizer", tool, sizeof tool))
        llvm = false, (void)on_path("addr2line", tool, sizeof tool);
    if (access(tool, X_OK) != 0)
        return; /* no symbolizer: sites stay module + address */
    if (llvm)
        symbolize_places(db, tool);
    sqlite3_stmt *mods;
    if (sqlite3_prepare_v2(db, "SELECT DISTINCT module FROM raw_sites", -1, &mods, NULL) !=
        SQLITE_OK)
        return;
    while (sqlite3_step(mods) == SQLITE_ROW) {
        const unsigned char *m = sqlite3_column_text(mods, 0);
        if (m && *m)
            one_module(db, tool, llvm, (const char *)m);
    }
    sqlite3_finalize(mods);
}
