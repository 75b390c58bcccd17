/* Compiler-style text: `file:line:col: warning: message [rule]`, then a note
 * for each related site, each place its tasks were spawned, what predicted
 * means (when it is), and how to fix it. Colour only when asked (the
 * CLI asks when stdout is a terminal and NO_COLOR is unset). */
#include "findings-rules.h"
#include "findings.h"

#include <stdlib.h>
#include <string.h>

typedef struct palette {
    const char *bold, *sev[3], *reset;
} palette;

static const palette plain = {"", {"", "", ""}, ""};
static const palette ansi = {"\033[1m", {"\033[1;36m", "\033[1;35m", "\033[1;31m"}, "\033[0m"};

static void put_loc(FILE *out, const knot__loc *loc) {
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

static void put_in_function(FILE *out, const knot__loc *loc) {
    if (loc->function && loc->function[0])
        fprintf(out, " (in %s)", loc->function);
}

/* The call chain through a location, on a line of its own below it. */
static void put_chain(FILE *out, const knot__loc *loc) {
    if (loc->chain)
        fprintf(out, "    in %s\n", loc->chain);
}

static void put_note(FILE *out, const palette *p, const knot__loc *loc, const char *msg) {
    fputs(p->bold, out);
    put_loc(out, loc);
    fprintf(out, "%s %snote:%s %s", p->reset, p->sev[KNOT_NOTE], p->reset, msg);
    put_in_function(out, loc);
    fputc('\n', out);
    put_chain(out, loc);
}

/* Where a finding's tasks were spawned: one line for each place (and
 * function), however many tasks it spawned. The main task was spawned
 * nowhere: its line would say nothing. */
static void put_tasks(FILE *out, const palette *p, const knot__finding *f) {
    size_t n;
    knot__task_group *groups = knot__finding_task_groups(f, &n);
    for (size_t k = 0; k < n; k++) {
        const knot__finding_task *t = groups[k].first;
        if (knot__task_is_main(t))
            continue;
        char msg[512], ids[128];
        const char *fn = t->function && t->function[0] ? t->function : NULL;
        knot__task_group_ids(f, &groups[k], ids, sizeof ids);
        if (groups[k].count == 1)
            snprintf(msg, sizeof msg, "%s%s%s%s was spawned here", ids, fn ? " (" : "",
                     fn ? fn : "", fn ? ")" : "");
        else
            snprintf(msg, sizeof msg, "%zu tasks%s%s%s were spawned here (%s)", groups[k].count,
                     fn ? " (" : "", fn ? fn : "", fn ? ")" : "", ids);
        knot__loc loc = t->spawn;
        loc.function = NULL; /* the spawner's function says little here */
        put_note(out, p, &loc, msg);
    }
    free(groups);
}

/* What predicted means, how to fix it and where the rule's page is: notes
 * with no place of their own. */
static void put_advice(FILE *out, const palette *p, const knot__finding *f) {
    if (f->predicted)
        fprintf(out, "%snote:%s %s\n", p->sev[KNOT_NOTE], p->reset, knot__predicted_meaning);
    char page[512];
    knot__rule_page(f->rule, page, sizeof page);
    const char *fix = knot__rule_fix(f->rule);
    fprintf(out, "%snote:%s %s%s%ssee %s\n", p->sev[KNOT_NOTE], p->reset, fix ? "to fix: " : "",
            fix ? fix : "", fix ? "; " : "", page);
}

int knot__findings_write_text(const knot__findings *fs, FILE *out, bool color) {
    const palette *p = color ? &ansi : &plain;
    for (size_t i = 0; i < fs->n; i++) {
        const knot__finding *f = &fs->v[i];
        fputs(p->bold, out);
        put_loc(out, &f->loc);
        fprintf(out, "%s %s%s:%s %s%s", p->reset, p->sev[f->severity],
                knot__severity_name(f->severity), p->reset, f->predicted ? "predicted: " : "",
                f->message);
        put_in_function(out, &f->loc);
        fprintf(out, " [%s]\n", f->rule);
        put_chain(out, &f->loc);
        for (size_t r = 0; r < f->nrelated; r++)
            put_note(out, p, &f->related[r].loc, f->related[r].message);
        put_tasks(out, p, f);
        put_advice(out, p, f);
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
        knot__run_end_describe(&fs->end, how, sizeof how);
        fprintf(out, "the program %s\n", how);
    }
    return ferror(out) ? -1 : 0;
}
