/* Cursor questions for the lint traversal; see lint-ast.h. */
#include "lint-ast.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    knot__lint_kids *kids = data;
    if (kids->n == (int)(sizeof kids->v / sizeof kids->v[0]))
        return CXChildVisit_Break;
    kids->v[kids->n++] = c;
    return CXChildVisit_Continue;
}

void knot__lint_children(CXCursor c, knot__lint_kids *kids) {
    kids->n = 0;
    clang_visitChildren(c, collect, kids);
}

typedef struct expr_pick {
    CXCursor found;
    bool any, first;
} expr_pick;

static enum CXChildVisitResult pick_expr(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    expr_pick *p = data;
    if (!clang_isExpression(clang_getCursorKind(c)))
        return CXChildVisit_Continue;
    p->found = c;
    p->any = true;
    return p->first ? CXChildVisit_Break : CXChildVisit_Continue;
}

static bool child_expr(CXCursor c, CXCursor *out, bool first) {
    expr_pick p = {clang_getNullCursor(), false, first};
    clang_visitChildren(c, pick_expr, &p);
    if (p.any)
        *out = p.found;
    return p.any;
}

bool knot__lint_first_expr(CXCursor c, CXCursor *out) { return child_expr(c, out, true); }
bool knot__lint_last_expr(CXCursor c, CXCursor *out) { return child_expr(c, out, false); }

CXCursor knot__lint_strip(CXCursor e) {
    for (;;) {
        enum CXCursorKind k = clang_getCursorKind(e);
        CXCursor inner = clang_getNullCursor();
        if ((k != CXCursor_ParenExpr && k != CXCursor_CStyleCastExpr &&
             k != CXCursor_UnexposedExpr) ||
            !knot__lint_last_expr(e, &inner))
            return e;
        /* An unexposed expression with several parts (a designated
         * initialiser, say) is not a conversion: keep it. */
        if (k == CXCursor_UnexposedExpr) {
            CXCursor first = clang_getNullCursor();
            knot__lint_first_expr(e, &first);
            if (!clang_equalCursors(first, inner))
                return e;
        }
        e = inner;
    }
}

knot__lint_pos knot__lint_pos_of(CXCursor c) {
    CXFile file;
    unsigned line, col, offset;
    clang_getExpansionLocation(clang_getCursorLocation(c), &file, &line, &col, &offset);
    return (knot__lint_pos){(int)line, (int)col, offset};
}

unsigned knot__lint_end(CXCursor c) {
    CXFile file;
    unsigned line, col, offset;
    clang_getExpansionLocation(clang_getRangeEnd(clang_getCursorExtent(c)), &file, &line, &col,
                               &offset);
    return offset;
}

void knot__lint_spelling(CXCursor c, char *buf, size_t size) {
    CXString s = clang_getCursorSpelling(c);
    snprintf(buf, size, "%s", clang_getCString(s));
    clang_disposeString(s);
}

/* Declarations outside the main file get no id: the linter only follows
 * what the file itself declares. */
knot__lint_id knot__lint_var_id(CXCursor decl) {
    enum CXCursorKind k = clang_getCursorKind(decl);
    if (k != CXCursor_VarDecl && k != CXCursor_ParmDecl)
        return 0;
    if (!clang_Location_isFromMainFile(clang_getCursorLocation(decl)))
        return 0;
    return knot__lint_pos_of(decl).offset + 1;
}

knot__lint_id knot__lint_plain_var(CXCursor e) {
    e = knot__lint_strip(e);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return 0;
    return knot__lint_var_id(clang_getCursorReferenced(e));
}

static bool is_arrow(CXCursor member) {
    CXCursor base;
    if (!knot__lint_last_expr(member, &base))
        return true;
    return clang_getCanonicalType(clang_getCursorType(base)).kind == CXType_Pointer;
}

knot__lint_id knot__lint_root_var(CXCursor e) {
    e = knot__lint_strip(e);
    while (clang_getCursorKind(e) == CXCursor_MemberRefExpr && !is_arrow(e)) {
        CXCursor base;
        knot__lint_last_expr(e, &base);
        e = knot__lint_strip(base);
    }
    return knot__lint_plain_var(e);
}

knot__lint_id knot__lint_struct_field(CXCursor e, char *field, size_t size) {
    e = knot__lint_strip(e);
    CXCursor base;
    if (clang_getCursorKind(e) != CXCursor_MemberRefExpr || is_arrow(e) ||
        !knot__lint_last_expr(e, &base))
        return 0;
    knot__lint_spelling(e, field, size);
    return knot__lint_plain_var(base);
}

knot__lint_id knot__lint_member_root(CXCursor e) {
    e = knot__lint_strip(e);
    if (clang_getCursorKind(e) != CXCursor_MemberRefExpr)
        return 0;
    while (clang_getCursorKind(e) == CXCursor_MemberRefExpr) {
        CXCursor base;
        if (!knot__lint_last_expr(e, &base))
            return 0;
        e = knot__lint_strip(base);
    }
    return knot__lint_plain_var(e);
}

static bool is_addr_of(CXCursor unary, CXCursor *operand) {
    if (!knot__lint_last_expr(unary, operand))
        return false;
    CXType result = clang_getCanonicalType(clang_getCursorType(unary));
    CXType of = clang_getCanonicalType(clang_getCursorType(*operand));
    return result.kind == CXType_Pointer &&
           clang_equalTypes(clang_getCanonicalType(clang_getPointeeType(result)), of);
}

knot__lint_id knot__lint_addr_of(CXCursor e) {
    e = knot__lint_strip(e);
    CXCursor operand;
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator && is_addr_of(e, &operand))
        return knot__lint_root_var(operand);
    if (clang_getCursorKind(e) == CXCursor_DeclRefExpr) {
        CXType t = clang_getCanonicalType(clang_getCursorType(e));
        if (t.kind == CXType_ConstantArray)
            return knot__lint_plain_var(e);
    }
    return 0;
}

/* `a[i]` or `a[i].f.g` with a an array variable: a's id, and i's in
 * *index (0 unless a plain variable); else 0. */
static knot__lint_id subscript_of(CXCursor e, knot__lint_id *index) {
    CXCursor base;
    while (clang_getCursorKind(e) == CXCursor_MemberRefExpr && !is_arrow(e) &&
           knot__lint_last_expr(e, &base))
        e = knot__lint_strip(base);
    knot__lint_kids kids;
    knot__lint_children(e, &kids);
    if (clang_getCursorKind(e) != CXCursor_ArraySubscriptExpr || kids.n != 2)
        return 0;
    base = knot__lint_strip(kids.v[0]);
    if (clang_getCanonicalType(clang_getCursorType(base)).kind != CXType_ConstantArray)
        return 0;
    *index = knot__lint_plain_var(kids.v[1]);
    return knot__lint_plain_var(base);
}

knot__lint_id knot__lint_element_of(CXCursor e, knot__lint_id *index) {
    e = knot__lint_strip(e);
    CXCursor operand;
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator && is_addr_of(e, &operand))
        e = knot__lint_strip(operand);
    else if (clang_getCanonicalType(clang_getCursorType(e)).kind != CXType_ConstantArray)
        return 0; /* `a[i]` itself only as an array decaying to a pointer */
    return subscript_of(e, index);
}

knot__lint_id knot__lint_written_array(CXCursor lhs) {
    knot__lint_id index;
    return subscript_of(knot__lint_strip(lhs), &index);
}

void knot__lint_written(CXCursor e, char *buf, size_t size) {
    buf[0] = '\0';
    e = knot__lint_strip(e);
    CXCursor base;
    char inner[64], name[64];
    switch (clang_getCursorKind(e)) {
    case CXCursor_DeclRefExpr:
        knot__lint_spelling(e, buf, size);
        return;
    case CXCursor_MemberRefExpr:
        if (!knot__lint_last_expr(e, &base))
            return;
        knot__lint_written(base, inner, sizeof inner);
        knot__lint_spelling(e, name, sizeof name);
        if (inner[0])
            snprintf(buf, size, "%s%s%s", inner, is_arrow(e) ? "->" : ".", name);
        return;
    case CXCursor_UnaryOperator:
        if (!knot__lint_is_deref(e) || !knot__lint_last_expr(e, &base))
            return;
        knot__lint_written(base, inner, sizeof inner);
        if (inner[0])
            snprintf(buf, size, "*%s", inner);
        return;
    default:
        return;
    }
}

bool knot__lint_callee(CXCursor call, char *buf, size_t size) {
    buf[0] = '\0';
    if (clang_getCursorKind(call) != CXCursor_CallExpr)
        return false;
    CXCursor fn = clang_getCursorReferenced(call);
    CXCursor callee;
    /* `(knot_go)(f, a)`: libclang names no callee through the parentheses */
    if (clang_getCursorKind(fn) != CXCursor_FunctionDecl && knot__lint_first_expr(call, &callee))
        fn = clang_getCursorReferenced(knot__lint_strip(callee));
    if (clang_getCursorKind(fn) == CXCursor_FunctionDecl)
        knot__lint_spelling(fn, buf, size);
    return true;
}

bool knot__lint_writes_through(CXCursor call, const char *name, int i) {
    CXCursor callee;
    if (!knot__lint_first_expr(call, &callee))
        return false;
    CXType t = clang_getCanonicalType(clang_getCursorType(callee));
    if (t.kind == CXType_Pointer)
        t = clang_getCanonicalType(clang_getPointeeType(t));
    if (t.kind != CXType_FunctionProto)
        return false; /* no prototype: nothing to go by */
    if (i >= clang_getNumArgTypes(t))
        return strstr(name, "scanf") != NULL; /* printf reads its arguments */
    CXType param = clang_getCanonicalType(clang_getArgType(t, (unsigned)i));
    return param.kind != CXType_Pointer || !clang_isConstQualifiedType(clang_getPointeeType(param));
}

void knot__lint_func_ref(CXCursor e, char *buf, size_t size) {
    buf[0] = '\0';
    e = knot__lint_strip(e);
    CXCursor operand;
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator && knot__lint_last_expr(e, &operand))
        e = knot__lint_strip(operand);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return;
    CXCursor fn = clang_getCursorReferenced(e);
    if (clang_getCursorKind(fn) == CXCursor_FunctionDecl)
        knot__lint_spelling(fn, buf, size);
}

bool knot__lint_int_value(CXCursor e, long *value) {
    CXEvalResult r = clang_Cursor_Evaluate(e);
    if (!r)
        return false;
    bool ok = clang_EvalResult_getKind(r) == CXEval_Int;
    if (ok)
        *value = (long)clang_EvalResult_getAsLongLong(r);
    clang_EvalResult_dispose(r);
    return ok;
}

bool knot__lint_is_deref(CXCursor unary) {
    CXCursor operand;
    if (!knot__lint_last_expr(unary, &operand))
        return false;
    CXType of = clang_getCanonicalType(clang_getCursorType(operand));
    CXType result = clang_getCanonicalType(clang_getCursorType(unary));
    return of.kind == CXType_Pointer &&
           clang_equalTypes(clang_getCanonicalType(clang_getPointeeType(of)), result);
}

/* The operator written at loc (after blanks and comments), read from the
 * source text itself: libclang 14 names no operator kinds, and lexing a
 * token range for each operator costs more than the rest of the walk. */
static bool op_at(CXTranslationUnit tu, CXSourceLocation loc, char *buf, size_t size) {
    CXFile file;
    unsigned offset;
    size_t len;
    clang_getSpellingLocation(loc, &file, NULL, NULL, &offset);
    const char *text = file ? clang_getFileContents(tu, file, &len) : NULL;
    if (!text || offset > len)
        return false;
    for (size_t i = offset; i < len;) {
        if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r' ||
            text[i] == '\\') {
            i++;
        } else if (text[i] == '/' && i + 1 < len && text[i + 1] == '*') {
            const char *close = strstr(text + i + 2, "*/");
            i = close ? (size_t)(close - text) + 2 : len;
        } else if (text[i] == '/' && i + 1 < len && text[i + 1] == '/') {
            while (i < len && text[i] != '\n')
                i++;
        } else {
            size_t n = 0;
            while (i + n < len && n + 1 < size && strchr("=<>!&|+-*/%^~", text[i + n]))
                n++;
            memcpy(buf, text + i, n);
            buf[n] = '\0';
            return n > 0;
        }
    }
    return false;
}

void knot__lint_written_callee(CXCursor call, char *buf, size_t size) {
    buf[0] = '\0';
    CXFile file;
    unsigned offset;
    size_t len, n = 0;
    clang_getExpansionLocation(clang_getCursorLocation(call), &file, NULL, NULL, &offset);
    CXCursor callee;
    if (knot__lint_first_expr(call, &callee)) /* the call's location is its parenthesis */
        clang_getExpansionLocation(clang_getCursorLocation(callee), &file, NULL, NULL, &offset);
    const char *text =
        file ? clang_getFileContents(clang_Cursor_getTranslationUnit(call), file, &len) : NULL;
    while (text && offset + n < len && n + 1 < size &&
           (isalnum((unsigned char)text[offset + n]) || text[offset + n] == '_'))
        n++;
    if (n > 0 && !isdigit((unsigned char)text[offset])) {
        memcpy(buf, text + offset, n);
        buf[n] = '\0';
    }
}

bool knot__lint_is_incdec(CXCursor unary) {
    CXTranslationUnit tu = clang_Cursor_getTranslationUnit(unary);
    CXCursor operand;
    if (!knot__lint_last_expr(unary, &operand))
        return false;
    char op[4] = "";
    /* prefix: the operator starts the expression; postfix: it follows the operand */
    if (!op_at(tu, clang_getRangeStart(clang_getCursorExtent(unary)), op, sizeof op))
        op_at(tu, clang_getRangeEnd(clang_getCursorExtent(operand)), op, sizeof op);
    return strncmp(op, "++", 2) == 0 || strncmp(op, "--", 2) == 0;
}

bool knot__lint_binop(CXCursor op, CXCursor lhs, CXCursor rhs, char *buf, size_t size) {
    (void)rhs;
    return op_at(clang_Cursor_getTranslationUnit(op), clang_getRangeEnd(clang_getCursorExtent(lhs)),
                 buf, size);
}

bool knot__lint_is_knot_struct(CXCursor decl, const char *name) {
    if (clang_getCursorKind(decl) != CXCursor_StructDecl)
        return false;
    CXString s = clang_getCursorSpelling(decl);
    bool yes = strcmp(clang_getCString(s), name) == 0;
    clang_disposeString(s);
    return yes;
}

bool knot__lint_is_chan(CXCursor e, CXType chan) {
    CXType t = clang_getCanonicalType(clang_getCursorType(e));
    return chan.kind != CXType_Invalid && t.kind == CXType_Pointer &&
           clang_equalTypes(clang_getCanonicalType(clang_getPointeeType(t)), chan);
}

void knot__lint_bound(CXCursor cond, knot__lint_loop *l) {
    if (clang_getCursorKind(cond) != CXCursor_BinaryOperator)
        return;
    CXCursor lhs, rhs;
    char op[4];
    if (!knot__lint_first_expr(cond, &lhs) || !knot__lint_last_expr(cond, &rhs) ||
        !knot__lint_binop(cond, lhs, rhs, op, sizeof op))
        return;
    bool le = strcmp(op, "<=") == 0;
    bool up = le || strcmp(op, "<") == 0 || strcmp(op, "!=") == 0;
    if (up || strcmp(op, ">") == 0 || strcmp(op, ">=") == 0)
        l->counter = knot__lint_plain_var(lhs);
    if (!up)
        return;
    long v;
    if (knot__lint_int_value(rhs, &v)) {
        l->bound_known = true;
        l->bound = le ? v + 1 : v;
    } else {
        l->bound_var = knot__lint_plain_var(rhs);
    }
}

typedef struct cond_read {
    knot__lint_is_ok_fn *is_ok;
    const void *ctx;
    bool receives, spawns;
    knot__lint_id **ids;
    size_t *n;
} cond_read;

/* One visit for both answers: a condition is read in full anyway. */
static enum CXChildVisitResult read_cond(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    cond_read *r = data;
    char name[64];
    switch (clang_getCursorKind(c)) {
    case CXCursor_CallExpr:
        knot__lint_callee(c, name, sizeof name);
        r->receives |= knot__lint_is(name, "knot_chan_recv");
        r->spawns |= knot__lint_spawn_base(name) != NULL;
        break;
    case CXCursor_DeclRefExpr: {
        knot__lint_id id = knot__lint_var_id(clang_getCursorReferenced(c));
        r->receives |= r->is_ok(r->ctx, id);
        if (id)
            *(knot__lint_id *)KNOT__PUSH(*r->ids, *r->n) = id;
        break;
    }
    case CXCursor_MemberRefExpr:
        if (!r->receives) {
            knot__lint_spelling(c, name, sizeof name);
            r->receives = strcmp(name, "ok") == 0;
        }
        break;
    default:
        break;
    }
    return CXChildVisit_Recurse;
}

bool knot__lint_read_condition(CXCursor cond, knot__lint_is_ok_fn *is_ok, const void *ctx,
                               knot__lint_id **ids, size_t *n, bool *spawns) {
    cond_read r = {is_ok, ctx, false, false, ids, n};
    read_cond(cond, clang_getNullCursor(), &r);
    clang_visitChildren(cond, read_cond, &r);
    *spawns = r.spawns;
    return r.receives;
}

typedef struct field_walk {
    CXString names[32];
    unsigned n, next;
    knot__lint_field_fn *fn;
    void *ctx;
} field_walk;

static enum CXVisitorResult add_field(CXCursor c, CXClientData data) {
    field_walk *fw = data;
    if (fw->n == sizeof fw->names / sizeof fw->names[0])
        return CXVisit_Break;
    fw->names[fw->n++] = clang_getCursorSpelling(c);
    return CXVisit_Continue;
}

/* A positional initialiser takes the next field; a designated one (an
 * unexposed expression holding a member reference) names its own. */
static enum CXChildVisitResult each_init(CXCursor c, CXCursor parent, CXClientData data) {
    (void)parent;
    field_walk *fw = data;
    knot__lint_kids kids;
    knot__lint_children(c, &kids);
    if (clang_getCursorKind(c) == CXCursor_UnexposedExpr && kids.n >= 2 &&
        clang_getCursorKind(kids.v[0]) == CXCursor_MemberRef) {
        char field[64];
        knot__lint_spelling(kids.v[0], field, sizeof field);
        fw->fn(fw->ctx, field, kids.v[kids.n - 1]);
        for (unsigned i = 0; i < fw->n; i++)
            if (strcmp(clang_getCString(fw->names[i]), field) == 0)
                fw->next = i + 1;
        return CXChildVisit_Continue;
    }
    if (!clang_isExpression(clang_getCursorKind(c)))
        return CXChildVisit_Continue;
    if (fw->next < fw->n)
        fw->fn(fw->ctx, clang_getCString(fw->names[fw->next++]), c);
    return CXChildVisit_Continue;
}

void knot__lint_init_fields(CXCursor list, knot__lint_field_fn *fn, void *ctx) {
    CXType t = clang_getCanonicalType(clang_getCursorType(list));
    if (t.kind != CXType_Record)
        return;
    field_walk fw = {.fn = fn, .ctx = ctx};
    clang_Type_visitFields(t, add_field, &fw);
    clang_visitChildren(list, each_init, &fw);
    for (unsigned i = 0; i < fw.n; i++)
        clang_disposeString(fw.names[i]);
}
