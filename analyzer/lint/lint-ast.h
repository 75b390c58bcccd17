/* Questions the lint traversal asks of libclang's cursors: what a call
 * calls, what a variable is, which operator an expression applies. libclang
 * 14's C API has no operator kinds, so some answers come from types or
 * tokens; they live here so that lint-facts.c reads as the walk it is. */
#ifndef KNOT_LINT_AST_H
#define KNOT_LINT_AST_H

#include "lint-facts.h"

#include <clang-c/Index.h>
#include <stdio.h>

/* The first children of a cursor. */
typedef struct knot__lint_kids {
    CXCursor v[8];
    int n;
} knot__lint_kids;
void knot__lint_children(CXCursor c, knot__lint_kids *kids);

/* Skip parentheses, casts and implicit conversions. */
CXCursor knot__lint_strip(CXCursor e);
bool knot__lint_first_expr(CXCursor c, CXCursor *out);
bool knot__lint_last_expr(CXCursor c, CXCursor *out);

knot__lint_pos knot__lint_pos_of(CXCursor c);
unsigned knot__lint_end(CXCursor c);
void knot__lint_spelling(CXCursor c, char *buf, size_t size);

/* The id of a variable or parameter declaration, 0 for anything else. */
knot__lint_id knot__lint_var_id(CXCursor decl);
/* `v` (a local or parameter named as is): its id, else 0. */
knot__lint_id knot__lint_plain_var(CXCursor e);
/* The variable an expression writes: v in `v`, `v.f`, `v.f.g`; else 0. */
knot__lint_id knot__lint_root_var(CXCursor e);
/* `v.f = ...`: v's id, with "f" in field; else 0. */
knot__lint_id knot__lint_struct_field(CXCursor e, char *field, size_t size);
/* `&v`, `&v.f`, or an array v decaying to a pointer: v's id; else 0. */
knot__lint_id knot__lint_addr_of(CXCursor e);
/* `&a[i]`, `&a[i].f`, or `a[i]` decaying to a pointer, with a an array
 * variable: a's id, and i's in *index (0 unless a plain variable); else 0. */
knot__lint_id knot__lint_element_of(CXCursor e, knot__lint_id *index);
/* `a[i] = ...`, `a[i].f = ...`: the array variable a's id; else 0. */
knot__lint_id knot__lint_written_array(CXCursor lhs);
/* `v.f` or `v->f.g`: v's id; else 0. */
knot__lint_id knot__lint_member_root(CXCursor e);

/* An expression made of a variable, fields and dereferences as written
 * (`in`, `g->msg`, `*p`), into buf; "" for anything else. */
void knot__lint_written(CXCursor e, char *buf, size_t size);
/* The name a call is written with where it is expanded: a macro's name
 * (pigz's launch for launch_, knot_go for knot_go_at, or one the call is
 * an argument of), into buf; "" when it does not start with one. */
void knot__lint_written_callee(CXCursor call, char *buf, size_t size);
/* A call's callee, when it names a function; false otherwise. */
bool knot__lint_callee(CXCursor call, char *buf, size_t size);
/* May the callee write through its argument i: a pointer to non-const in
 * its prototype, or a variadic argument of the scanf family? */
bool knot__lint_writes_through(CXCursor call, const char *callee, int i);
/* A function named by an expression (`worker`, `&worker`), into buf. */
void knot__lint_func_ref(CXCursor e, char *buf, size_t size);

bool knot__lint_int_value(CXCursor e, long *value);
bool knot__lint_is_deref(CXCursor unary);
bool knot__lint_is_incdec(CXCursor unary);
bool knot__lint_binop(CXCursor op, CXCursor lhs, CXCursor rhs, char *buf, size_t size);
/* Is decl the declaration of knot's struct `name` (knot_chan, knot_case)?
 * The walk keeps their canonical types: comparing types is much cheaper
 * than spelling each one out. */
bool knot__lint_is_knot_struct(CXCursor decl, const char *name);
/* Is e a knot_chan pointer, chan being struct knot_chan's canonical type
 * (CXType_Invalid: the unit never declares it)? */
bool knot__lint_is_chan(CXCursor e, CXType chan);

/* A loop condition `i < N` / `i <= N` / `i != N`: what bounds the loop,
 * and (with `>` and `>=` too) the counter it tests. */
void knot__lint_bound(CXCursor cond, knot__lint_loop *l);

/* Does a condition test a receive: a knot_chan_recv call, a variable that
 * holds one's result, or a select case's `ok`? The ids of the variables
 * it reads are appended to *ids; *spawns says whether it starts a task
 * (`if (knot_go(f, a) != 0)`). */
typedef bool knot__lint_is_ok_fn(const void *ctx, knot__lint_id id);
bool knot__lint_read_condition(CXCursor cond, knot__lint_is_ok_fn *is_ok, const void *ctx,
                               knot__lint_id **ids, size_t *n, bool *spawns);

/* Call fn(ctx, field, init) for each initialised field of a struct
 * initialiser list, positional or designated. */
typedef void knot__lint_field_fn(void *ctx, const char *field, CXCursor init);
void knot__lint_init_fields(CXCursor list, knot__lint_field_fn *fn, void *ctx);

/* The traversal (lint-facts.c). */
void knot__lint_gather(CXTranslationUnit tu, knot__lint_tu *out);

#endif
