/* The lint front end's one traversal: walk libclang's AST of a translation
 * unit and record, per function, the facts lint-facts.h describes. Loops,
 * switches, branches and selects recurse by hand, so that the walk knows
 * when it leaves them; everything else is left to CXChildVisit_Recurse. */
#include "lint-ast.h"
#include "util-xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct alias {
    knot__lint_id id;
    knot__lint_key key;
} alias;

typedef struct walker {
    knot__lint_tu *out;
    knot__lint_func *fn;
    int loop;   /* innermost loop */
    int body;   /* innermost loop whose body this is */
    int brk;    /* the loop a `break` here leaves; -1 in a switch */
    int guard;  /* > 0 in a branch taken on a receive's result */
    int failed; /* > 0 in the branch taken on a spawn's result (its failure) */
    int select; /* the current case group */
    alias *aliases;
    size_t naliases;
    knot__lint_id *oks; /* variables that hold a receive's result */
    size_t noks;
    knot__lint_id *tested; /* variables the enclosing if conditions read */
    size_t ntested;
    int depth;
    CXFile main;        /* the main file */
    CXType chan, kcase; /* struct knot_chan and knot_case, once declared */
} walker;

/* The hand-made recursion is on the C stack; generated code can nest
 * statements thousands deep (clang copes with 10,000 terms in one sum).
 * Nothing a rule looks for hides that deep, so the walk goes no further. */
enum { MAX_DEPTH = 2000 };

/* Record what c says; true when its children are to be walked next, in
 * order, with the walker as it is (most cursors). Loops, branches,
 * switches and selects walk their own children, and return false. */
static bool walk(walker *w, CXCursor c);

/* Children the ordinary way are left to libclang (CXChildVisit_Recurse):
 * it walks a statement's subtree in one loop over a work list, where a
 * clang_visitChildren call per cursor sets up a visitor and a work list
 * each time, which was a third of the walk's cost. */
static enum CXChildVisitResult visit(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    return walk(data, c) ? CXChildVisit_Recurse : CXChildVisit_Continue;
}

/* Cursors with nothing beneath them in C: no visitor for them at all. */
static bool is_leaf(enum CXCursorKind k) {
    switch (k) {
    case CXCursor_DeclRefExpr:
    case CXCursor_IntegerLiteral:
    case CXCursor_FloatingLiteral:
    case CXCursor_CharacterLiteral:
    case CXCursor_StringLiteral:
    case CXCursor_TypeRef:
    case CXCursor_MemberRef:
    case CXCursor_LabelRef:
    case CXCursor_BreakStmt:
    case CXCursor_ContinueStmt:
    case CXCursor_NullStmt:
        return true;
    default:
        return false;
    }
}

static void walk_children(walker *w, CXCursor c) {
    if (w->depth >= MAX_DEPTH || is_leaf(clang_getCursorKind(c)))
        return;
    w->depth++;
    clang_visitChildren(c, visit, w);
    w->depth--;
}

/* A child the caller picked out itself (a loop's body, a branch). */
static void walk_child(walker *w, CXCursor c) {
    if (w->depth >= MAX_DEPTH)
        return;
    w->depth++;
    if (walk(w, c))
        walk_children(w, c);
    w->depth--;
}

/* ---- keys: what an expression names ---- */

static const alias *find_alias(const walker *w, knot__lint_id id) {
    for (size_t i = w->naliases; i-- > 0;)
        if (w->aliases[i].id == id)
            return &w->aliases[i];
    return NULL;
}

static bool key_into(const walker *w, CXCursor e, knot__lint_key *k) {
    e = knot__lint_strip(e);
    switch (clang_getCursorKind(e)) {
    case CXCursor_DeclRefExpr: {
        knot__lint_id id = knot__lint_var_id(clang_getCursorReferenced(e));
        const alias *a = id ? find_alias(w, id) : NULL;
        if (a)
            *k = a->key;
        else
            k->root = id;
        return id != 0;
    }
    case CXCursor_MemberRefExpr: {
        CXCursor base;
        if (!knot__lint_last_expr(e, &base) || !key_into(w, base, k))
            return false;
        CXString s = clang_getCursorSpelling(e);
        size_t len = strlen(k->field);
        snprintf(k->field + len, sizeof k->field - len, "%s%s", len ? "." : "",
                 clang_getCString(s));
        clang_disposeString(s);
        return true;
    }
    case CXCursor_UnaryOperator: {
        CXCursor operand;
        return knot__lint_is_deref(e) && knot__lint_last_expr(e, &operand) &&
               key_into(w, operand, k);
    }
    default:
        return false;
    }
}

static knot__lint_key key_of(const walker *w, CXCursor e) {
    knot__lint_key k = {0, ""};
    if (!key_into(w, e, &k))
        memset(&k, 0, sizeof k);
    return k;
}

/* ---- recording ---- */

static knot__lint_var *find_var(walker *w, knot__lint_id id) {
    for (size_t i = 0; id && i < w->fn->nvars; i++)
        if (w->fn->vars[i].id == id)
            return &w->fn->vars[i];
    return NULL;
}

static knot__lint_op *add_op(walker *w, enum knot__lint_op_kind kind, knot__lint_key key,
                             CXCursor at, int select) {
    if (!key.root)
        return NULL;
    knot__lint_func *f = w->fn;
    knot__lint_op *op = KNOT__PUSH(f->ops, f->nops);
    op->kind = kind;
    op->ch = key;
    op->pos = knot__lint_pos_of(at);
    op->loop = w->loop;
    op->select = select;
    return op;
}

/* A send, receive or close on the channel expression ch. */
static void add_chan_op(walker *w, enum knot__lint_op_kind kind, knot__lint_key key, CXCursor at,
                        int select, CXCursor ch) {
    knot__lint_op *op = add_op(w, kind, key, at, select);
    if (op)
        knot__lint_written(ch, op->name, sizeof op->name);
}

static void add_ok(walker *w, knot__lint_id id) {
    if (id)
        *(knot__lint_id *)KNOT__PUSH(w->oks, w->noks) = id;
}

static void add_carry(knot__lint_var *v, const char *field, knot__lint_id chan) {
    if (!v || !chan)
        return;
    knot__lint_carry *c = KNOT__PUSH(v->carried, v->ncarried);
    snprintf(c->field, sizeof c->field, "%s", field);
    c->chan = chan;
}

static void set_cap(walker *w, knot__lint_var *v, CXCursor cap) {
    long value;
    if (knot__lint_int_value(cap, &value)) {
        v->cap = KNOT_LINT_CAP_CONST;
        v->cap_value = value;
        return;
    }
    CXCursor s = knot__lint_strip(cap);
    v->cap = KNOT_LINT_CAP_UNKNOWN;
    if (clang_getCursorKind(s) == CXCursor_DeclRefExpr) {
        v->cap = KNOT_LINT_CAP_VAR;
        v->cap_var = knot__lint_var_id(clang_getCursorReferenced(s));
    }
    (void)w;
}

static void add_assigned(walker *w, knot__lint_id id, bool plain) {
    for (int l = w->loop; id && l >= 0; l = w->fn->loops[l].parent) {
        knot__lint_loop *loop = &w->fn->loops[l];
        *(knot__lint_id *)KNOT__PUSH(loop->assigned, loop->nassigned) = id;
        if (plain)
            *(knot__lint_id *)KNOT__PUSH(loop->overwritten, loop->noverwritten) = id;
    }
}

/* Every enclosing loop writes this variable (with a plain `=`: plain), or
 * an element of this array. */
static void mark_assigned(walker *w, CXCursor lhs, bool plain) {
    if (w->loop < 0)
        return; /* only loops keep count */
    add_assigned(w, knot__lint_root_var(lhs), plain);
    add_assigned(w, knot__lint_written_array(lhs), plain);
}

static void mark_filled(walker *w, knot__lint_id id, unsigned call) {
    for (int l = w->loop; id && l >= 0; l = w->fn->loops[l].parent) {
        knot__lint_loop *loop = &w->fn->loops[l];
        *KNOT__PUSH(loop->filled, loop->nfilled) = (struct knot__lint_fill){id, call};
    }
}

/* Leaving on a condition that reads a counter the loop itself updates
 * (`if (++got == n) break;`) is how a loop that receives a known number of
 * values ends: not early. */
static bool counted_exit(const walker *w, const knot__lint_loop *l) {
    for (size_t i = 0; i < w->ntested; i++)
        for (size_t k = 0; k < l->nassigned; k++)
            if (w->tested[i] == l->assigned[k])
                return true;
    return false;
}

static void mark_early(walker *w, int loop) {
    knot__lint_loop *l = &w->fn->loops[loop];
    if (!counted_exit(w, l))
        l->early_exit = true;
}

/* A return, goto or break that can leave loops before they are done. */
static void mark_exit(walker *w, CXCursor at, bool is_break) {
    if (w->guard > 0)
        return;
    /* leaving because a task did not start leaves no task behind */
    if (!is_break && w->failed == 0) {
        /* ordered by its end: `return drain(ch);` receives before it returns */
        knot__lint_pos *p = KNOT__PUSH(w->fn->returns, w->fn->nreturns);
        *p = knot__lint_pos_of(at);
        p->offset = knot__lint_end(at);
    }
    if (is_break) {
        if (w->brk >= 0)
            mark_early(w, w->brk);
        return;
    }
    for (int l = w->loop; l >= 0; l = w->fn->loops[l].parent)
        mark_early(w, l);
}

/* ---- statements and expressions ---- */

static void on_function(walker *w, CXCursor c) {
    if (!clang_isCursorDefinition(c))
        return;
    knot__lint_func *f = KNOT__PUSH(w->out->funcs, w->out->nfuncs);
    knot__lint_spelling(c, f->name, sizeof f->name);
    f->pos = knot__lint_pos_of(c);
    f->is_static = clang_Cursor_getStorageClass(c) == CX_SC_Static;
    int n = clang_Cursor_getNumArguments(c);
    for (int i = 0; i < n; i++) {
        CXCursor p = clang_Cursor_getArgument(c, (unsigned)i);
        knot__lint_id id = knot__lint_var_id(p);
        *(knot__lint_id *)KNOT__PUSH(f->params, f->nparams) = id;
        knot__lint_var *v = KNOT__PUSH(f->vars, f->nvars);
        v->id = id;
        knot__lint_spelling(p, v->name, sizeof v->name);
        v->pos = knot__lint_pos_of(p);
        v->body_of = -1;
        v->is_param = true;
    }
    *w = (walker){.out = w->out,
                  .main = w->main,
                  .chan = w->chan,
                  .kcase = w->kcase,
                  .fn = f,
                  .loop = -1,
                  .body = -1,
                  .brk = -1,
                  .select = -1,
                  .aliases = w->aliases,
                  .oks = w->oks};
    walk_children(w, c);
    w->fn = NULL;
}

typedef struct carry_ctx {
    walker *w;
    knot__lint_var *var;
} carry_ctx;

/* `holder.f = p` or `holder->f = p` with p a parameter: holder carries p.
 * A function pointer beside it (pigz's capsule->probe) is not data a task
 * reads. */
static void note_param_in_field(walker *w, knot__lint_var *holder, CXCursor value) {
    if (!holder || holder->is_param || holder->param_in_field)
        return;
    CXType t = clang_getCanonicalType(clang_getCursorType(knot__lint_strip(value)));
    if (t.kind == CXType_Pointer &&
        clang_getCanonicalType(clang_getPointeeType(t)).kind == CXType_FunctionProto)
        return;
    int p = knot__lint_param_index(w->fn, knot__lint_plain_var(value));
    if (p >= 0)
        holder->param_in_field = p + 1;
}

static void init_field(void *ctx, const char *field, CXCursor init) {
    carry_ctx *cc = ctx;
    note_param_in_field(cc->w, cc->var, init);
    knot__lint_key k = key_of(cc->w, init);
    if (k.root && !k.field[0] && find_var(cc->w, k.root))
        add_carry(cc->var, field, k.root);
}

static void on_var(walker *w, CXCursor c) {
    knot__lint_var *v = KNOT__PUSH(w->fn->vars, w->fn->nvars);
    v->id = knot__lint_var_id(c);
    knot__lint_spelling(c, v->name, sizeof v->name);
    v->pos = knot__lint_pos_of(c);
    v->body_of = w->body;
    enum CX_StorageClass sc = clang_Cursor_getStorageClass(c);
    v->is_static = sc == CX_SC_Static || sc == CX_SC_Extern;
    CXCursor init;
    if (!knot__lint_last_expr(c, &init))
        return;
    CXCursor s = knot__lint_strip(init);
    char callee[64];
    if (knot__lint_callee(s, callee, sizeof callee)) {
        if (knot__lint_is(callee, "knot_chan_make") && clang_Cursor_getNumArguments(s) >= 2)
            set_cap(w, v, clang_Cursor_getArgument(s, 1));
        else if (knot__lint_is(callee, "knot_chan_recv"))
            add_ok(w, v->id);
        return;
    }
    if (clang_getCursorKind(s) == CXCursor_InitListExpr) {
        carry_ctx cc = {w, v};
        knot__lint_init_fields(s, init_field, &cc);
        return;
    }
    knot__lint_key k = key_of(w, s);
    if (k.root) {
        alias *a = KNOT__PUSH(w->aliases, w->naliases);
        a->id = v->id;
        a->key = k;
    }
}

static void on_call(walker *w, CXCursor c) {
    knot__lint_call *call = KNOT__PUSH(w->fn->calls, w->fn->ncalls);
    knot__lint_callee(c, call->callee, sizeof call->callee);
    knot__lint_written_callee(c, call->written, sizeof call->written);
    /* only a name that is the callee's own (launch for launch_), not a
     * macro the call is an argument of (ASSERT_OK(uv_thread_create(...))) */
    if (strncmp(call->callee, call->written, strlen(call->written)) != 0)
        call->written[0] = '\0';
    call->pos = knot__lint_pos_of(c);
    call->loop = w->loop;
    int n = clang_Cursor_getNumArguments(c);
    /* all at once: the arguments are never added to afterwards */
    call->args = n > 0 ? knot__xcalloc((size_t)n, sizeof *call->args) : NULL;
    call->nargs = n > 0 ? (size_t)n : 0;
    for (int i = 0; i < n; i++) {
        /* stripped once here: every question below would strip it again */
        CXCursor a = knot__lint_strip(clang_Cursor_getArgument(c, (unsigned)i));
        knot__lint_arg *arg = &call->args[i];
        knot__lint_id plain = knot__lint_plain_var(a);
        arg->addr_of = knot__lint_addr_of(a);
        arg->elem_of = knot__lint_element_of(a, &arg->index);
        arg->param = knot__lint_param_index(w->fn, plain);
        const knot__lint_var *holder = find_var(w, plain);
        if (!holder)
            holder = find_var(w, arg->addr_of);
        if (arg->param < 0 && holder && holder->param_in_field)
            arg->param = holder->param_in_field - 1;
        arg->key = key_of(w, a);
        knot__lint_func_ref(a, arg->func, sizeof arg->func);
    }
    const char *name = call->callee;
    /* fgets(line, ...), scanf("%d", &n), knot_chan_recv(ch, &v),
     * strncpy(names[k], ...): the callee writes the object (or an element
     * of the array), so a loop making such calls changes it */
    bool spawns = knot__lint_spawn_arg(name) >= 0;
    for (int i = 0; !spawns && i < n; i++) {
        knot__lint_id object =
            call->args[i].addr_of ? call->args[i].addr_of : call->args[i].elem_of;
        if (object && knot__lint_writes_through(c, name, i))
            mark_filled(w, object, call->pos.offset);
    }
    knot__lint_key ch = n > 0 ? call->args[0].key : (knot__lint_key){0, ""};
    CXCursor ch_expr = n > 0 ? clang_Cursor_getArgument(c, 0) : clang_getNullCursor();
    if (knot__lint_is(name, "knot_chan_send"))
        add_chan_op(w, KNOT_LINT_SEND, ch, c, -1, ch_expr);
    else if (knot__lint_is(name, "knot_chan_recv"))
        add_chan_op(w, KNOT_LINT_RECV, ch, c, -1, ch_expr);
    else if (knot__lint_is(name, "knot_chan_close"))
        add_chan_op(w, KNOT_LINT_CLOSE, ch, c, -1, ch_expr);
    else if (strncmp(name, "knot_", 5) != 0 && !spawns)
        for (int i = 0; i < n; i++)
            if (knot__lint_is_chan(clang_Cursor_getArgument(c, (unsigned)i), w->chan))
                add_op(w, KNOT_LINT_ESCAPE, call->args[i].key, c, -1);
}

typedef struct case_ctx {
    walker *w;
    long dir;
    knot__lint_key ch;
    CXCursor ch_expr;
} case_ctx;

static void case_field(void *ctx, const char *field, CXCursor init) {
    case_ctx *cc = ctx;
    if (strcmp(field, "dir") == 0)
        knot__lint_int_value(init, &cc->dir);
    else if (strcmp(field, "ch") == 0) {
        cc->ch = key_of(cc->w, init);
        cc->ch_expr = init;
    }
}

/* One case of a select: {KNOT_RECV, ch, &v} or KNOT_CASE_RECV(ch, &v). */
static void on_case(walker *w, CXCursor c) {
    case_ctx cc = {w, 0, {0, ""}, clang_getNullCursor()};
    knot__lint_init_fields(c, case_field, &cc);
    int group = w->select;
    if (group < 0) {
        group = w->fn->nselects;
        *(int *)KNOT__PUSH(w->fn->select_cases, w->fn->nselects) = 0;
    }
    w->fn->select_cases[group]++;
    if (cc.dir == 1 || cc.dir == 2)
        add_chan_op(w, cc.dir == 1 ? KNOT_LINT_SEND : KNOT_LINT_RECV, cc.ch, c, group, cc.ch_expr);
}

static bool is_case_type(const walker *w, CXType t) {
    return w->kcase.kind != CXType_Invalid && clang_equalTypes(t, w->kcase);
}

/* true: its children are walked the ordinary way */
static bool on_init_list(walker *w, CXCursor c) {
    CXType t = clang_getCanonicalType(clang_getCursorType(c));
    if (is_case_type(w, t)) {
        on_case(w, c);
        return false;
    }
    if (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray) {
        if (is_case_type(w, clang_getCanonicalType(clang_getArrayElementType(t)))) {
            int saved = w->select;
            w->select = w->fn->nselects;
            *(int *)KNOT__PUSH(w->fn->select_cases, w->fn->nselects) = 0;
            walk_children(w, c);
            w->select = saved;
            return false;
        }
    }
    return true;
}

static void on_assign(walker *w, CXCursor c) {
    CXCursor lhs, rhs;
    knot__lint_kids kids; /* one visit for both operands */
    knot__lint_children(c, &kids);
    if (kids.n != 2)
        return;
    lhs = kids.v[0];
    rhs = kids.v[1];
    if (clang_getCursorKind(c) == CXCursor_CompoundAssignOperator) {
        mark_assigned(w, lhs, false);
        return;
    }
    /* An assignment's left side is an lvalue, never converted: `v`,
     * `s.f`, `a[i]`, `*p`, `(v)`. Any other (a conversion, a literal, a
     * call) makes a comparison or arithmetic: no need to read the
     * operator. */
    switch (clang_getCursorKind(lhs)) {
    case CXCursor_DeclRefExpr:
    case CXCursor_MemberRefExpr:
    case CXCursor_ArraySubscriptExpr:
    case CXCursor_UnaryOperator:
    case CXCursor_ParenExpr:
        break;
    default:
        return;
    }
    /* "=" but not "==" ("=-1" is still an assignment) */
    char op[4];
    if (!knot__lint_binop(c, lhs, rhs, op, sizeof op) || op[0] != '=' || op[1] == '=')
        return;
    mark_assigned(w, lhs, true);
    CXCursor s = knot__lint_strip(rhs);
    char callee[64];
    if (knot__lint_callee(s, callee, sizeof callee)) {
        knot__lint_var *v = find_var(w, knot__lint_plain_var(lhs));
        if (v && knot__lint_is(callee, "knot_chan_make") && clang_Cursor_getNumArguments(s) >= 2)
            set_cap(w, v, clang_Cursor_getArgument(s, 1));
        else if (v && knot__lint_is(callee, "knot_chan_recv"))
            add_ok(w, v->id);
        return;
    }
    note_param_in_field(w, find_var(w, knot__lint_member_root(lhs)), rhs);
    if (!knot__lint_is_chan(rhs, w->chan))
        return;
    knot__lint_key k = key_of(w, rhs);
    char field[64] = "";
    knot__lint_var *holder = find_var(w, knot__lint_struct_field(lhs, field, sizeof field));
    /* `ctx->results = ch` with ctx a local pointer (to a heap job, say), or
     * `jobs[i].done = ch`: ctx and jobs carry ch to whoever gets them */
    CXCursor member = knot__lint_strip(lhs);
    if (!holder && clang_getCursorKind(member) == CXCursor_MemberRefExpr) {
        knot__lint_spelling(member, field, sizeof field);
        holder = find_var(w, knot__lint_written_array(lhs));
        if (!holder)
            holder = find_var(w, knot__lint_member_root(lhs));
        if (holder && holder->is_param)
            holder = NULL;
    }
    if (holder && !k.field[0] && find_var(w, k.root))
        add_carry(holder, field, k.root);
    else
        add_op(w, KNOT_LINT_ESCAPE, k, c, -1);
}

static void on_loop(walker *w, CXCursor c) {
    knot__lint_kids kids;
    knot__lint_children(c, &kids);
    int idx = (int)w->fn->nloops;
    knot__lint_loop *l = KNOT__PUSH(w->fn->loops, w->fn->nloops);
    l->pos = knot__lint_pos_of(c);
    l->end = knot__lint_end(c);
    l->parent = w->loop;
    int body = clang_getCursorKind(c) == CXCursor_DoStmt ? 0 : kids.n - 1;
    for (int i = 0; i < kids.n; i++)
        if (i != body)
            knot__lint_bound(kids.v[i], l);
    int saved_loop = w->loop, saved_body = w->body, saved_brk = w->brk;
    w->loop = w->brk = idx;
    for (int i = 0; i < kids.n; i++) {
        w->body = i == body ? idx : saved_body;
        walk_child(w, kids.v[i]);
    }
    w->loop = saved_loop;
    w->body = saved_body;
    w->brk = saved_brk;
}

static bool is_ok_var(const void *ctx, knot__lint_id id) {
    const walker *w = ctx;
    for (size_t i = 0; id && i < w->noks; i++)
        if (w->oks[i] == id)
            return true;
    return false;
}

/* Branches on a receive's result end receive loops when the channel is
 * closed; leaving then is not leaving early. */
static void on_if(walker *w, CXCursor c) {
    knot__lint_kids kids;
    knot__lint_children(c, &kids);
    if (kids.n == 0)
        return;
    size_t ntested = w->ntested;
    bool spawns;
    bool guarded =
        knot__lint_read_condition(kids.v[0], is_ok_var, w, &w->tested, &w->ntested, &spawns);
    walk_child(w, kids.v[0]);
    w->guard += guarded;
    for (int i = 1; i < kids.n; i++) {
        w->failed += spawns && i == 1;
        walk_child(w, kids.v[i]);
        w->failed -= spawns && i == 1;
    }
    w->guard -= guarded;
    w->ntested = ntested;
}

static void on_return(walker *w, CXCursor c) {
    CXCursor e;
    if (knot__lint_last_expr(c, &e) && knot__lint_is_chan(e, w->chan))
        add_op(w, KNOT_LINT_ESCAPE, key_of(w, e), c, -1);
    mark_exit(w, c, false);
}

static bool walk_in_function(walker *w, CXCursor c) {
    switch (clang_getCursorKind(c)) {
    case CXCursor_ForStmt:
    case CXCursor_WhileStmt:
    case CXCursor_DoStmt:
        on_loop(w, c);
        return false;
    case CXCursor_SwitchStmt: {
        int saved = w->brk;
        w->brk = -1;
        walk_children(w, c);
        w->brk = saved;
        return false;
    }
    case CXCursor_IfStmt:
        on_if(w, c);
        return false;
    case CXCursor_VarDecl:
        on_var(w, c);
        break;
    case CXCursor_CallExpr:
        on_call(w, c);
        break;
    case CXCursor_BinaryOperator:
    case CXCursor_CompoundAssignOperator:
        on_assign(w, c);
        break;
    case CXCursor_UnaryOperator: {
        CXCursor operand;
        /* only a loop's writes matter (mark_assigned) */
        if (w->loop >= 0 && knot__lint_is_incdec(c) && knot__lint_last_expr(c, &operand))
            mark_assigned(w, operand, false);
        break;
    }
    case CXCursor_InitListExpr:
        return on_init_list(w, c);
    case CXCursor_ReturnStmt:
        on_return(w, c);
        break;
    case CXCursor_GotoStmt:
    case CXCursor_IndirectGotoStmt:
        mark_exit(w, c, false);
        break;
    case CXCursor_BreakStmt:
        mark_exit(w, c, true);
        break;
    default:
        break;
    }
    return true;
}

/* knot's channel and select-case types, as the unit declares them (C
 * declares a struct before any use of it). */
static void note_knot_type(walker *w, CXCursor c) {
    if (w->chan.kind == CXType_Invalid && knot__lint_is_knot_struct(c, "knot_chan"))
        w->chan = clang_getCanonicalType(clang_getCursorType(c));
    else if (w->kcase.kind == CXType_Invalid && knot__lint_is_knot_struct(c, "knot_case"))
        w->kcase = clang_getCanonicalType(clang_getCursorType(c));
}

static bool walk(walker *w, CXCursor c) {
    if (w->fn)
        return walk_in_function(w, c);
    if (clang_getCursorKind(c) == CXCursor_StructDecl)
        note_knot_type(w, c);
    /* by where it is expanded: libuv's TEST_IMPL(name) macro, defined in a
     * header, writes the function definitions of every test file */
    CXFile file;
    CXSourceLocation loc = clang_getCursorLocation(c);
    clang_getExpansionLocation(loc, &file, NULL, NULL, NULL);
    if (w->main ? !file || !clang_File_isEqual(file, w->main) : !clang_Location_isFromMainFile(loc))
        return false;
    if (clang_getCursorKind(c) == CXCursor_FunctionDecl)
        on_function(w, c);
    return false;
}

void knot__lint_gather(CXTranslationUnit tu, knot__lint_tu *out) {
    CXString name = clang_getTranslationUnitSpelling(tu);
    walker w = {.out = out,
                .loop = -1,
                .body = -1,
                .brk = -1,
                .select = -1,
                .main = clang_getFile(tu, clang_getCString(name))};
    clang_disposeString(name);
    walk_children(&w, clang_getTranslationUnitCursor(tu));
    free(w.aliases);
    free(w.oks);
    free(w.tested);
}
