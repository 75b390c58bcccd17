/* knot graph TRACE [--kind wfg|hb] [--finding N] [--tasks 1,2,...] [--window N] -o FILE
 *
 * The wait-for graph of the final state (default), or the happens-before
 * diagram of a window of events: around finding N (as numbered by knot
 * check, from 1) with its tasks, or the end of the trace. */
#include "cli-check.h"
#include "cli-commands.h"
#include "render-graph.h"
#include "util-xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct graph_opts {
    const char *trace, *output;
    bool hb;
    long finding;
    int tasks[256];
    size_t ntasks;
    int window;
} graph_opts;

static int usage(const char *what, const char *arg) {
    fprintf(stderr, "knot: graph: %s%s%s (see knot graph --help)\n", what, arg ? " " : "",
            arg ? arg : "");
    return 2;
}

static bool parse_int(const char *s, long lo, long hi, long *out) {
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static int parse_tasks(graph_opts *o, const char *list) {
    char *copy = knot__xstrdup(list), *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long t;
        if (!parse_int(tok, 0, 1L << 30, &t) || o->ntasks == sizeof o->tasks / sizeof o->tasks[0]) {
            free(copy);
            return -1;
        }
        o->tasks[o->ntasks++] = (int)t;
    }
    free(copy);
    return o->ntasks ? 0 : -1;
}

static int parse(graph_opts *o, int argc, char **argv) {
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        long v;
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!has_value)
                return usage("missing value for", a);
            o->output = argv[++i];
        } else if (!strcmp(a, "--kind")) {
            if (!has_value || (strcmp(argv[i + 1], "wfg") != 0 && strcmp(argv[i + 1], "hb") != 0))
                return usage("--kind takes wfg or hb, not", has_value ? argv[i + 1] : "nothing");
            o->hb = strcmp(argv[++i], "hb") == 0;
        } else if (!strcmp(a, "--finding")) {
            if (!has_value || !parse_int(argv[i + 1], 1, 1L << 30, &v))
                return usage("--finding takes a number from 1, not", has_value ? argv[i + 1] : "");
            o->finding = v;
            i++;
        } else if (!strcmp(a, "--window")) {
            if (!has_value || !parse_int(argv[i + 1], 1, 500, &v))
                return usage("--window takes 1 to 500 events, not", has_value ? argv[i + 1] : "");
            o->window = (int)v;
            i++;
        } else if (!strcmp(a, "--tasks")) {
            if (!has_value || parse_tasks(o, argv[i + 1]) != 0)
                return usage("--tasks takes task ids like 1,2,5, not",
                             has_value ? argv[i + 1] : "");
            i++;
        } else if (a[0] == '-' && a[1]) {
            return usage("unknown option", a);
        } else if (o->trace) {
            return usage("one trace at a time:", a);
        } else {
            o->trace = a;
        }
    }
    if (!o->trace)
        return usage("no trace given", NULL);
    if (!o->output)
        return usage("no output file given (-o FILE.svg, .png, .pdf or .dot)", NULL);
    return 0;
}

static Agraph_t *build(const graph_opts *o, knot__replay *r, const knot__findings *fs, char *err,
                       size_t errsize) {
    const knot__finding *f = NULL;
    if (o->finding) {
        if ((size_t)o->finding > fs->n) {
            snprintf(err, errsize, "%s: there is no finding %ld (knot check lists %zu)", o->trace,
                     o->finding, fs->n);
            return NULL;
        }
        f = &fs->v[o->finding - 1];
    }
    bool hb = o->hb || (f && f->predicted);
    if (!hb) {
        Agraph_t *g = knot__graph_wfg(r);
        if (!g && (g = agopen("wait_for", Agdirected, NULL)) != NULL) {
            /* A clean end is an answer, not an error: draw it as such. */
            knot__graph_label(g, "no task was blocked at the end");
            fprintf(stderr,
                    "knot: %s: no task was blocked at the end: the wait-for graph is empty\n",
                    o->trace);
        }
        if (!g)
            snprintf(err, errsize, "%s: %s", o->trace, strerror(ENOMEM));
        return g;
    }
    int buf[256];
    knot__hb_window w = f ? knot__hb_window_for(f, buf, 256) : (knot__hb_window){0};
    if (o->ntasks) {
        w.tasks = o->tasks;
        w.ntasks = o->ntasks;
    }
    if (o->window)
        w.window = o->window;
    return knot__graph_hb(r, &w, err, errsize);
}

int knot__cmd_graph(int argc, char **argv) {
    graph_opts o = {0};
    int rc = parse(&o, argc, argv);
    if (rc)
        return rc;
    char err[PATH_MAX + 1024];
    if (knot__render_check(o.output, o.trace, err, sizeof err) != 0) {
        fprintf(stderr, "knot: %s\n", err);
        return 2;
    }
    knot__replay r;
    if (knot__check_open(&r, o.trace) != 0)
        return 2;
    knot__findings fs = {0};
    Agraph_t *g = NULL;
    /* Only a finding's picture needs the rules; the wait-for graph needs the
     * final state; a plain happens-before window reads its events itself. */
    int rc_run = 0;
    if (o.finding) {
        rc_run = knot__check_replay(&r, &fs, err, sizeof err);
    } else if (!o.hb) {
        r.state_only = true;
        rc_run = knot__replay_run(&r, NULL, 0, &fs, err, sizeof err);
    }
    if (rc_run == 0)
        g = build(&o, &r, &fs, err, sizeof err);
    rc = g && knot__render_file(g, o.output, o.trace, err, sizeof err) == 0 ? 0 : 2;
    if (rc)
        fprintf(stderr, "knot: %s\n", err);
    knot__graph_free(g);
    knot__findings_free(&fs);
    knot__replay_close(&r);
    return rc;
}
