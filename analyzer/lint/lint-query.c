/* Small questions the static rules ask of the lint facts. */
#include "lint-facts.h"
#include "lint-rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

knot__loc knot__lint_loc(const knot__lint_tu *tu, knot__lint_pos pos, const char *function) {
    return knot__loc_make(tu->file, pos.line, pos.col, function);
}

const knot__lint_func *knot__lint_find_func(const knot__lint_tu *tu, const char *name) {
    for (size_t i = 0; name && *name && i < tu->nfuncs; i++)
        if (strcmp(tu->funcs[i].name, name) == 0)
            return &tu->funcs[i];
    return NULL;
}

const knot__lint_var *knot__lint_find_var(const knot__lint_func *f, knot__lint_id id) {
    for (size_t i = 0; id && i < f->nvars; i++)
        if (f->vars[i].id == id)
            return &f->vars[i];
    return NULL;
}

bool knot__lint_loop_within(const knot__lint_func *f, int inner, int outer) {
    if (outer < 0)
        return true;
    for (int l = inner; l >= 0; l = f->loops[l].parent)
        if (l == outer)
            return true;
    return false;
}

bool knot__lint_key_eq(const knot__lint_key *a, const knot__lint_key *b) {
    return a->root && a->root == b->root && strcmp(a->field, b->field) == 0;
}

int knot__lint_param_index(const knot__lint_func *f, knot__lint_id id) {
    for (size_t i = 0; id && i < f->nparams; i++)
        if (f->params[i] == id)
            return (int)i;
    return -1;
}

bool knot__lint_arg_carries(const knot__lint_func *f, const knot__lint_arg *arg,
                            const knot__lint_key *ch, const char *field) {
    if (knot__lint_key_eq(&arg->key, ch))
        return !field || field[0] == '\0';
    /* a struct, an element of an array of them, or a local pointer to one */
    const knot__lint_var *holder = knot__lint_find_var(f, arg->addr_of);
    if (!holder)
        holder = knot__lint_find_var(f, arg->elem_of);
    if (!holder && !arg->key.field[0])
        holder = knot__lint_find_var(f, arg->key.root);
    for (size_t k = 0; holder && k < holder->ncarried; k++)
        if (holder->carried[k].chan == ch->root &&
            (!field || strcmp(holder->carried[k].field, field) == 0))
            return true;
    return false;
}

bool knot__lint_is(const char *callee, const char *name) {
    size_t n = strlen(name);
    return strncmp(callee, name, n) == 0 && (callee[n] == '\0' || strcmp(callee + n, "_at") == 0);
}

int knot__lint_name_len(const char *callee) {
    size_t n = strlen(callee);
    if (strncmp(callee, "knot_", 5) == 0 && n > 3 && strcmp(callee + n - 3, "_at") == 0)
        n -= 3;
    return (int)n;
}

/* name, index of the task function, index of its argument */
static const struct spawn {
    const char *name;
    int fn, arg;
} spawns[] = {
    {"knot_go", 0, 1},        {"knot_go_copy", 0, 1}, {"knot_group_go", 1, 2},
    {"pthread_create", 2, 3}, {"thrd_create", 1, 2},
};

static const struct spawn *find_spawn(const char *callee) {
    for (size_t i = 0; i < sizeof spawns / sizeof spawns[0]; i++)
        if (knot__lint_is(callee, spawns[i].name))
            return &spawns[i];
    return NULL;
}

int knot__lint_spawn_arg(const char *callee) {
    const struct spawn *s = find_spawn(callee);
    return s ? s->arg : -1;
}

int knot__lint_spawn_fn(const char *callee) {
    const struct spawn *s = find_spawn(callee);
    return s ? s->fn : -1;
}

const char *knot__lint_spawn_base(const char *callee) {
    const struct spawn *s = find_spawn(callee);
    return s ? s->name : NULL;
}

static void func_free(knot__lint_func *f) {
    free(f->params);
    for (size_t i = 0; i < f->nvars; i++)
        free(f->vars[i].carried);
    free(f->vars);
    for (size_t i = 0; i < f->nloops; i++) {
        free(f->loops[i].assigned);
        free(f->loops[i].overwritten);
        free(f->loops[i].filled);
    }
    free(f->loops);
    for (size_t i = 0; i < f->ncalls; i++)
        free(f->calls[i].args);
    free(f->calls);
    free(f->ops);
    free(f->select_cases);
    free(f->returns);
}

void knot__lint_tu_free(knot__lint_tu *tu) {
    for (size_t i = 0; i < tu->nfuncs; i++)
        func_free(&tu->funcs[i]);
    free(tu->funcs);
    free(tu->passes);
    free(tu->joiners);
    free(tu->chan_params);
    free(tu->chan_passes);
    free(tu->file);
    memset(tu, 0, sizeof *tu);
}
