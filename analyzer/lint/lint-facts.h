/* Lint facts: what the static rules need to know about one translation unit,
 * gathered in a single traversal of libclang's AST (lint-facts.c) and read
 * by the rules under rules/. The facts are plain C, so the rules do not
 * depend on libclang and the traversal knows nothing about the rules.
 *
 * Only code written in the main file is described: functions from headers
 * are skipped, and every position is the expansion site in the main file
 * (the use of a macro, not its definition). */
#ifndef KNOT_LINT_FACTS_H
#define KNOT_LINT_FACTS_H

#include "util-xalloc.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* A position in the main file; offset orders positions. */
typedef struct knot__lint_pos {
    int line, col;
    unsigned offset;
} knot__lint_pos;

/* A declared variable or parameter is named by an id unique in its
 * translation unit (1 + the offset of its declaration); 0 is "none". */
typedef unsigned knot__lint_id;

/* What an expression names, for matching channel uses: the variable it
 * starts from (through local aliases such as `struct job *j = arg;`) and
 * the fields it then selects ("" for the variable itself, "a.b" for
 * v->a.b). root 0: not a variable-based expression. */
typedef struct knot__lint_key {
    knot__lint_id root;
    char field[64];
} knot__lint_key;

enum knot__lint_op_kind {
    KNOT_LINT_SEND,   /* knot_chan_send, or a KNOT_SEND case of a select */
    KNOT_LINT_RECV,   /* knot_chan_recv, or a KNOT_RECV case of a select */
    KNOT_LINT_CLOSE,  /* knot_chan_close */
    KNOT_LINT_ESCAPE, /* passed to or stored where the linter cannot follow */
};

typedef struct knot__lint_op {
    enum knot__lint_op_kind kind;
    knot__lint_key ch;
    knot__lint_pos pos;
    int loop;      /* innermost enclosing loop (index into the function's loops), -1 */
    int select;    /* the select case group it belongs to, -1 for a plain call */
    char name[64]; /* the channel as written there (`in`, `g->msg`), for messages */
} knot__lint_op;

/* A loop statement and what happens inside it. */
typedef struct knot__lint_loop {
    knot__lint_pos pos;
    unsigned end;     /* offset just past the loop */
    int parent;       /* the enclosing loop in the same function, -1 */
    bool bound_known; /* `i < N` with N a constant: runs at most bound times */
    long bound;
    knot__lint_id bound_var; /* `i < n`: n, else 0 */
    knot__lint_id counter;   /* i in a condition `i < n`, `i != n`, `i > n`..., else 0 */
    knot__lint_id *assigned; /* variables the loop writes (=, op=, ++, --; an array's elements) */
    size_t nassigned;
    knot__lint_id *overwritten; /* those it writes with a plain `=` */
    size_t noverwritten;
    struct knot__lint_fill {
        knot__lint_id id;
        unsigned call; /* offset of the call */
    } * filled;        /* objects calls in the loop write through a pointer */
    size_t nfilled;
    bool early_exit; /* a return, goto or break can leave it before it is done */
} knot__lint_loop;

/* One argument of a call. */
typedef struct knot__lint_arg {
    knot__lint_id addr_of; /* `&v`, `&v.f` or an array v decaying: v */
    knot__lint_id elem_of; /* `&a[i]`, `&a[i].f` with a an array variable: a */
    knot__lint_id index;   /* and i, when a plain variable */
    int param; /* a parameter of the caller passed on, as is or in a struct: its index, else -1 */
    knot__lint_key key; /* what the argument names */
    char func[64];      /* a function named directly (a task function), else "" */
} knot__lint_arg;

typedef struct knot__lint_call {
    char callee[64];  /* "" when called through a pointer */
    char written[64]; /* the name at the call as written (a macro's), else "" */
    knot__lint_pos pos;
    int loop;
    knot__lint_arg *args;
    size_t nargs;
} knot__lint_call;

/* A channel a struct variable carries to a task: `struct job j = {f, ch}`
 * or `j.out = ch`. */
typedef struct knot__lint_carry {
    char field[64];
    knot__lint_id chan;
} knot__lint_carry;

enum knot__lint_cap {
    KNOT_LINT_CAP_NONE,
    KNOT_LINT_CAP_CONST,
    KNOT_LINT_CAP_VAR,
    KNOT_LINT_CAP_UNKNOWN
};

typedef struct knot__lint_var {
    knot__lint_id id;
    char name[64];
    knot__lint_pos pos;
    int body_of;    /* the innermost loop whose body declares it, -1 */
    bool is_static; /* static or extern storage: outlives every iteration */
    bool is_param;
    enum knot__lint_cap cap; /* set when it holds the result of knot_chan_make */
    long cap_value;
    knot__lint_id cap_var;
    knot__lint_carry *carried;
    size_t ncarried;
    /* 1 + the index of a parameter stored into a field of it or of what it
     * points to (pigz's `capsule->payload = payload`); 0: none */
    int param_in_field;
} knot__lint_var;

typedef struct knot__lint_func {
    char name[64];
    knot__lint_pos pos;
    bool is_static; /* internal linkage: other translation units cannot call it */
    knot__lint_id *params;
    size_t nparams;
    knot__lint_var *vars;
    size_t nvars;
    knot__lint_loop *loops;
    size_t nloops;
    knot__lint_call *calls;
    size_t ncalls;
    knot__lint_op *ops;
    size_t nops;
    int nselects; /* select case groups; cases[i] sizes below */
    int *select_cases;
    /* returns and gotos not taken on a receive's result, nor on a spawn's
     * failure (offset: where the statement ends) */
    knot__lint_pos *returns;
    size_t nreturns;
} knot__lint_func;

/* A call that hands on parameters of the function making it: where a
 * spawn wrapper may be (lint-summary.c). Indices into funcs and calls. */
typedef struct knot__lint_pass {
    size_t func, call;
} knot__lint_pass;

/* What a function does with a channel it gets as a parameter, as far as
 * its own unit shows (lint-summary.c combines them): KNOT_LINT_USE_* flags,
 * and the calls that hand the channel on to other functions. */
typedef struct knot__lint_chan_param {
    size_t func;
    int param;
    unsigned uses;
    int early_line; /* a receive loop that can stop early (KNOT_LINT_USE_RECV_EARLY) */
} knot__lint_chan_param;

typedef struct knot__lint_chan_pass {
    size_t func, call; /* indices into funcs and the function's calls */
    int param, arg;    /* the caller's parameter, as the callee's argument arg */
} knot__lint_chan_pass;

struct knot__lint_summary;

typedef struct knot__lint_tu {
    char *file; /* the main file, as findings name it */
    knot__lint_func *funcs;
    size_t nfuncs;
    knot__lint_pass *passes; /* knot__lint_summarize */
    size_t npasses;
    size_t *joiners; /* functions that join a thread or wait for a group (indices) */
    size_t njoiners;
    knot__lint_chan_param *chan_params; /* knot__lint_summarize */
    size_t nchan_params;
    knot__lint_chan_pass *chan_passes;
    size_t nchan_passes;
    /* every translation unit's spawn wrappers, set before the rules run;
     * NULL: the rules see direct spawns only */
    const struct knot__lint_summary *summary;
} knot__lint_tu;

/* ---- helpers for the rules (lint-query.c) ---- */

/* The capacity of a growable array of n elements, which the facts do not
 * store: the next power of two, as knot__xgrow doubles from one. */
static inline size_t knot__lint_capacity(size_t n) {
    size_t cap = 1;
    while (cap < n)
        cap *= 2;
    return n ? cap : 0;
}

/* Append one zeroed element to a growable array and return it. */
#define KNOT__PUSH(arr, n)                                                                      \
    ((arr) =                                                                                    \
         knot__xgrow((arr), &(size_t){knot__lint_capacity(n)}, (size_t)(n) + 1, sizeof *(arr)), \
     memset(&(arr)[(n)], 0, sizeof *(arr)), &(arr)[(n)++])

const knot__lint_func *knot__lint_find_func(const knot__lint_tu *tu, const char *name);
const knot__lint_var *knot__lint_find_var(const knot__lint_func *f, knot__lint_id id);
/* Is loop `inner` the loop `outer` or nested in it (-1 is outside all)? */
bool knot__lint_loop_within(const knot__lint_func *f, int inner, int outer);
bool knot__lint_key_eq(const knot__lint_key *a, const knot__lint_key *b);
int knot__lint_param_index(const knot__lint_func *f, knot__lint_id id);
/* Does an argument of a call in f hand over the channel ch: the channel
 * itself (field ""), or a struct that holds it (in field; NULL: any)? */
bool knot__lint_arg_carries(const knot__lint_func *f, const knot__lint_arg *arg,
                            const knot__lint_key *ch, const char *field);

/* Which argument of a spawning call is handed to the task (-1: not a
 * spawn), and which names the task function. knot_go_copy counts as a
 * spawn here; loop-capture exempts it by name. */
int knot__lint_spawn_arg(const char *callee);
int knot__lint_spawn_fn(const char *callee);
/* The spawning function's name without the _at suffix, or NULL. */
const char *knot__lint_spawn_base(const char *callee);
/* Is callee a knot API function, with or without the _at suffix? */
bool knot__lint_is(const char *callee, const char *name);
/* How much of a callee's name users wrote: knot_go for knot_go_at. */
int knot__lint_name_len(const char *callee);

void knot__lint_tu_free(knot__lint_tu *tu);

#endif
