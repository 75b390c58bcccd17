/* knot cc ARGS...: the compiler (CC, else cc) with knot's header and
 * runtime added, and sources by absolute path so that what is recorded
 * names them from any directory. */
#include "cli-commands.h"
#include "util-xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A C or C++ source file named on a compiler's command line. */
static bool is_source(const char *arg) {
    const char *dot = strrchr(arg, '.');
    static const char *const exts[] = {".c", ".cc", ".cpp", ".cxx", ".C", ".i"};
    if (!dot || arg[0] == '-')
        return false;
    for (size_t k = 0; k < sizeof exts / sizeof exts[0]; k++)
        if (!strcmp(dot, exts[k]))
            return access(arg, F_OK) == 0;
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
            return knot__xstrdup(real);
    }
    if (!strncmp(arg, "-I", 2) && arg[2] && arg[2] != '/' && realpath(arg + 2, real)) {
        char *out = knot__xmalloc(strlen(real) + 3);
        sprintf(out, "-I%s", real);
        return out;
    }
    if (arg[0] != '/' && is_source(arg) && realpath(arg, real))
        return knot__xstrdup(real);
    return arg;
}

int knot__cmd_cc(int argc, char **argv) {
    if (argc < 1)
        return knot__usage_error("cc", "no arguments given to the compiler%s", "");
    char inc[PATH_MAX + 64], lib[PATH_MAX + 64];
    knot__runtime_dirs(inc, lib, sizeof inc);
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
    char **args = knot__xcalloc((size_t)argc + 8, sizeof *args);
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
