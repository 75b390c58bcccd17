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

#include "xalloc.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* A position in the main file; offset orders positions. */
typedef struct knot_lint_pos {
    int line, col;
    unsigned offset;
} knot_lint_pos;

/* A declared variable or parameter is named by an id unique in its
 * translation unit (1 + the offset of its declaration); 0 is "none". */
typedef unsigned knot_lint_id;

/* What an expression names, for matching channel uses: the variable it
 * starts from (through local aliases such as `struct job *j = arg;`) and
 * the fields it then selects ("" for the variable itself, "a.b" for
 * v->a.b). root 0: not a variable-based expression. */
typedef struct knot_lint_key {
    knot_lint_id root;
    char field[64];
} knot_lint_key;

enum knot_lint_op_kind {
    KNOT_LINT_SEND,   /* knot_chan_send, or a KNOT_SEND case of a select */
    KNOT_LINT_RECV,   /* knot_chan_recv, or a KNOT_RECV case of a select */
    KNOT_LINT_CLOSE,  /* knot_chan_close */
    KNOT_LINT_ESCAPE, /* passed to or stored where the linter cannot follow */
};

typedef struct knot_lint_op {
    enum knot_lint_op_kind kind;
    knot_lint_key ch;
    knot_lint_pos pos;
    int loop;      /* innermost enclosing loop (index into the function's loops), -1 */
    int select;    /* the select case group it belongs to, -1 for a plain call */
    char name[64]; /* the channel as written there (`in`, `g->msg`), for messages */
} knot_lint_op;

/* A loop statement and what happens inside it. */
typedef struct knot_lint_loop {
    knot_lint_pos pos;
    unsigned end;     /* offset just past the loop */
    int parent;       /* the enclosing loop in the same function, -1 */
    bool bound_known; /* `i < N` with N a constant: runs at most bound times */
    long bound;
    knot_lint_id bound_var; /* `i < n`: n, else 0 */
    knot_lint_id counter;   /* i in a condition `i < n`, `i != n`, `i > n`..., else 0 */
    knot_lint_id *assigned; /* variables the loop writes (=, op=, ++, --; an array's elements) */
    size_t nassigned;
    knot_lint_id *overwritten; /* those it writes with a plain `=` */
    size_t noverwritten;
    struct knot_lint_fill {
        knot_lint_id id;
        unsigned call; /* offset of the call */
    } * filled;        /* objects calls in the loop write through a pointer */
    size_t nfilled;
    bool early_exit; /* a return, goto or break can leave it before it is done */
} knot_lint_loop;

/* One argument of a call. */
typedef struct knot_lint_arg {
    knot_lint_id addr_of; /* `&v`, `&v.f` or an array v decaying: v */
    knot_lint_id elem_of; /* `&a[i]`, `&a[i].f` with a an array variable: a */
    knot_lint_id index;   /* and i, when a plain variable */
    int param; /* a parameter of the caller passed on, as is or in a struct: its index, else -1 */
    knot_lint_key key; /* what the argument names */
    char func[64];     /* a function named directly (a task function), else "" */
} knot_lint_arg;

typedef struct knot_lint_call {
    char callee[64];  /* "" when called through a pointer */
    char written[64]; /* the name at the call as written (a macro's), else "" */
    knot_lint_pos pos;
    int loop;
    knot_lint_arg *args;
    size_t nargs;
} knot_lint_call;

/* A channel a struct variable carries to a task: `struct job j = {f, ch}`
 * or `j.out = ch`. */
typedef struct knot_lint_carry {
    char field[64];
    knot_lint_id chan;
} knot_lint_carry;

enum knot_lint_cap {
    KNOT_LINT_CAP_NONE,
    KNOT_LINT_CAP_CONST,
    KNOT_LINT_CAP_VAR,
    KNOT_LINT_CAP_UNKNOWN
};

typedef struct knot_lint_var {
    knot_lint_id id;
    char name[64];
    knot_lint_pos pos;
    int body_of;    /* the innermost loop whose body declares it, -1 */
    bool is_static; /* static or extern storage: outlives every iteration */
    bool is_param;
    enum knot_lint_cap cap; /* set when it holds the result of knot_chan_make */
    long cap_value;
    knot_lint_id cap_var;
    knot_lint_carry *carried;
    size_t ncarried;
    /* 1 + the index of a parameter stored into a field of it or of what it
     * points to (pigz's `capsule->payload = payload`); 0: none */
    int param_in_field;
} knot_lint_var;

typedef struct knot_lint_func {
    char name[64];
    knot_lint_pos pos;
    bool is_static; /* internal linkage: other translation units cannot call it */
    knot_lint_id *params;
    size_t nparams;
    knot_lint_var *vars;
    size_t nvars;
    knot_lint_loop *loops;
    size_t nloops;
    knot_lint_call *calls;
    size_t ncalls;
    knot_lint_op *ops;
    size_t nops;
    int nselects; /* select case groups; cases[i] sizes below */
    int *select_cases;
    /* returns and gotos not taken on a receive's result, nor on a spawn's
     * failure (offset: where the statement ends) */
    knot_lint_pos *returns;
    size_t nreturns;
} knot_lint_func;

/* A call that hands on parameters of the function making it: where a
 * spawn wrapper may be (lint-summary.c). Indices into funcs and calls. */
typedef struct knot_lint_pass {
    size_t func, call;
} knot_lint_pass;

/* What a function does with a channel it gets as a parameter, as far as
 * its own unit shows (lint-summary.c combines them): KNOT_LINT_USE_* flags,
 * and the calls that hand the channel on to other functions. */
typedef struct knot_lint_chan_param {
    size_t func;
    int param;
    unsigned uses;
    int early_line; /* a receive loop that can stop early (KNOT_LINT_USE_RECV_EARLY) */
} knot_lint_chan_param;

typedef struct knot_lint_chan_pass {
    size_t func, call; /* indices into funcs and the function's calls */
    int param, arg;    /* the caller's parameter, as the callee's argument arg */
} knot_lint_chan_pass;

struct knot_lint_summary;

typedef struct knot_lint_tu {
    char *file; /* the main file, as findings name it */
    knot_lint_func *funcs;
    size_t nfuncs;
    knot_lint_pass *passes; /* knot_lint_summarize */
    size_t npasses;
    size_t *joiners; /* functions that join a thread or wait for a group (indices) */
    size_t njoiners;
    knot_lint_chan_param *chan_params; /* knot_lint_summarize */
    size_t nchan_params;
    knot_lint_chan_pass *chan_passes;
    size_t nchan_passes;
    /* every translation unit's spawn wrappers, set before the rules run;
     * NULL: the rules see direct spawns only */
    const struct knot_lint_summary *summary;
} knot_lint_tu;

/* ---- helpers for the rules (lint-query.c) ---- */

/* The capacity of a growable array of n elements, which the facts do not
 * store: the next power of two, as knot_xgrow doubles from one. */
static inline size_t knot__lint_cap(size_t n) {
    size_t cap = 1;
    while (cap < n)
        cap *= 2;
    return n ? cap : 0;
}

/* Append one zeroed element to a growable array and return it. */
#define KNOT__PUSH(arr, n)                                                                    \
    ((arr) = knot_xgrow((arr), &(size_t){knot__lint_cap(n)}, (size_t)(n) + 1, sizeof *(arr)), \
     memset(&(arr)[(n)], 0, sizeof *(arr)), &(arr)[(n)++])

const knot_lint_func *knot_lint_find_func(const knot_lint_tu *tu, const char *name);
const knot_lint_var *knot_lint_find_var(const knot_lint_func *f, knot_lint_id id);
/* Is loop `inner` the loop `outer` or nested in it (-1 is outside all)? */
bool knot_lint_loop_within(const knot_lint_func *f, int inner, int outer);
bool knot_lint_key_eq(const knot_lint_key *a, const knot_lint_key *b);
int knot_lint_param_index(const knot_lint_func *f, knot_lint_id id);
/* Does an argument of a call in f hand over the channel ch: the channel
 * itself (field ""), or a struct that holds it (in field; NULL: any)? */
bool knot_lint_arg_carries(const knot_lint_func *f, const knot_lint_arg *arg,
                           const knot_lint_key *ch, const char *field);

/* Which argument of a spawning call is handed to the task (-1: not a
 * spawn), and which names the task function. knot_go_copy counts as a
 * spawn here; loop-capture exempts it by name. */
int knot_lint_spawn_arg(const char *callee);
int knot_lint_spawn_fn(const char *callee);
/* The spawning function's name without the _at suffix, or NULL. */
const char *knot_lint_spawn_base(const char *callee);
/* Is callee a knot API function, with or without the _at suffix? */
bool knot_lint_is(const char *callee, const char *name);
/* How much of a callee's name users wrote: knot_go for knot_go_at. */
int knot_lint_name_len(const char *callee);

void knot_lint_tu_free(knot_lint_tu *tu);

#endif
