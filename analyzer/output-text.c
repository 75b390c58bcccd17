/* Compiler-style text: `file:line:col: warning: message [rule]`, then a note
 * for each related site and each task involved. Colour only when asked (the
 * CLI asks when stdout is a terminal and NO_COLOR is unset). */
#include "findings.h"

#include <string.h>

typedef struct palette {
    const char *bold, *sev[3], *reset;
} palette;

static const palette plain = {"", {"", "", ""}, ""};
static const palette ansi = {"\033[1m", {"\033[1;36m", "\033[1;35m", "\033[1;31m"}, "\033[0m"};

static void put_loc(FILE *out, const knot_loc *loc) {
    if (loc->file) {
        fprintf(out, "%s:%d:", loc->file, loc->line > 0 ? loc->line : 0);
        if (loc->col > 0)
            fprintf(out, "%d:", loc->col);
    } else if (loc->module) {
        fprintf(out, "%s+0x%llx:", loc->module, loc->address);
    } else {
        fputs("<unknown>:", out);
    }
}

static void put_in_function(FILE *out, const knot_loc *loc) {
    if (loc->function && loc->function[0])
        fprintf(out, " (in %s)", loc->function);
}

/* The call chain through a location, on a line of its own below it. */
static void put_chain(FILE *out, const knot_loc *loc) {
    if (loc->chain)
        fprintf(out, "    in %s\n", loc->chain);
}

static void put_note(FILE *out, const palette *p, const knot_loc *loc, const char *msg) {
    fputs(p->bold, out);
    put_loc(out, loc);
    fprintf(out, "%s %snote:%s %s", p->reset, p->sev[KNOT_NOTE], p->reset, msg);
    put_in_function(out, loc);
    fputc('\n', out);
    put_chain(out, loc);
}

static void put_task(FILE *out, const palette *p, const knot_finding_task *t) {
    char msg[512];
    const char *fn = t->function && t->function[0] ? t->function : NULL;
    if (!t->spawn.file && !t->spawn.module) {
        snprintf(msg, sizeof msg, "task %lld%s%s%s is the main task", t->id, fn ? " (" : "",
                 fn ? fn : "", fn ? ")" : "");
        fprintf(out, "%snote:%s %s\n", p->sev[KNOT_NOTE], p->reset, msg);
        return;
    }
    snprintf(msg, sizeof msg, "task %lld%s%s%s was spawned here", t->id, fn ? " (" : "",
             fn ? fn : "", fn ? ")" : "");
    knot_loc loc = t->spawn;
    loc.function = NULL; /* the spawner's function says little here */
    put_note(out, p, &loc, msg);
}

int knot_findings_write_text(const knot_findings *fs, FILE *out, bool color) {
    const palette *p = color ? &ansi : &plain;
    for (size_t i = 0; i < fs->n; i++) {
        const knot_finding *f = &fs->v[i];
        fputs(p->bold, out);
        put_loc(out, &f->loc);
        fprintf(out, "%s %s%s:%s %s%s", p->reset, p->sev[f->severity],
                knot_severity_name(f->severity), p->reset, f->predicted ? "predicted: " : "",
                f->message);
        put_in_function(out, &f->loc);
        fprintf(out, " [%s]\n", f->rule);
        put_chain(out, &f->loc);
        for (size_t r = 0; r < f->nrelated; r++)
            put_note(out, p, &f->related[r].loc, f->related[r].message);
        for (size_t t = 0; t < f->ntasks; t++)
            put_task(out, p, &f->tasks[t]);
    }
    if (fs->n > 0) {
        size_t counts[3] = {0, 0, 0};
        for (size_t i = 0; i < fs->n; i++)
            counts[fs->v[i].severity]++;
        fprintf(out, "%zu finding%s (%zu error%s, %zu warning%s, %zu note%s)\n", fs->n,
                fs->n == 1 ? "" : "s", counts[2], counts[2] == 1 ? "" : "s", counts[1],
                counts[1] == 1 ? "" : "s", counts[0], counts[0] == 1 ? "" : "s");
    }
    if (fs->end.how == KNOT_END_SIGNAL || fs->end.how == KNOT_END_TIMEOUT) {
        char how[128];
        knot_run_end_describe(&fs->end, how, sizeof how);
        fprintf(out, "the program %s\n", how);
    }
    return ferror(out) ? -1 : 0;
}
