/* The findings model: building, ordering, filtering and suppressing. */
#include "findings.h"
#include "util-xalloc.h"

#include <ctype.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Length of the valid UTF-8 sequence at p (1-4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *p) {
    if (p[0] < 0x80)
        return 1;
    size_t n = p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || p[0] >= 0xF8)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* Findings carry text from traces and sources (names, paths) into JSON,
 * SARIF and HTML, which require UTF-8: each byte that is not part of a
 * valid sequence becomes U+FFFD, and control characters become "?" (a
 * finding is one line of text; an escape sequence must not reach a terminal). */
static char *clean_text(const char *s) {
    size_t n = strlen(s);
    char *out = knot__xmalloc(3 * n + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t len = utf8_len(p);
        if (len == 0) {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            p++;
        } else if (len == 1 && (*p < 0x20 || *p == 0x7f)) {
            *o++ = '?';
            p++;
        } else {
            memcpy(o, p, len);
            o += len;
            p += len;
        }
    }
    *o = '\0';
    return out;
}

char *knot__text_dup(const char *s) { return s ? clean_text(s) : NULL; }

static char *vformat(const char *fmt, va_list ap) {
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        knot__out_of_memory();
    char *clean = clean_text(s);
    free(s);
    return clean;
}

knot__loc knot__loc_make(const char *file, int line, int col, const char *function) {
    knot__loc loc = {knot__text_dup(file), line, col, knot__text_dup(function), NULL, 0, NULL};
    return loc;
}

void knot__loc_free(knot__loc *loc) {
    free(loc->file);
    free(loc->function);
    free(loc->module);
    free(loc->chain);
    memset(loc, 0, sizeof *loc);
}

knot__finding *knot__findings_add(knot__findings *fs, const char *rule, enum knot__severity sev,
                                  bool predicted, knot__loc loc, const char *fmt, ...) {
    fs->v = knot__xgrow(fs->v, &fs->cap, fs->n + 1, sizeof *fs->v);
    knot__finding *f = &fs->v[fs->n++];
    memset(f, 0, sizeof *f);
    f->rule = rule;
    f->severity = sev;
    f->predicted = predicted;
    f->loc = loc;
    va_list ap;
    va_start(ap, fmt);
    f->message = vformat(fmt, ap);
    va_end(ap);
    return f;
}

void knot__finding_relate(knot__finding *f, knot__loc loc, const char *fmt, ...) {
    f->related = knot__xrealloc(f->related, (f->nrelated + 1) * sizeof *f->related);
    knot__related *r = &f->related[f->nrelated++];
    r->loc = loc;
    va_list ap;
    va_start(ap, fmt);
    r->message = vformat(fmt, ap);
    va_end(ap);
}

void knot__finding_add_task(knot__finding *f, long long id, const char *function, knot__loc spawn) {
    for (size_t i = 0; i < f->ntasks; i++)
        if (f->tasks[i].id == id) {
            knot__loc_free(&spawn);
            return;
        }
    f->tasks = knot__xrealloc(f->tasks, (f->ntasks + 1) * sizeof *f->tasks);
    knot__finding_task *t = &f->tasks[f->ntasks++];
    t->id = id;
    t->function = knot__text_dup(function);
    t->spawn = spawn;
}

static void finding_free(knot__finding *f) {
    free(f->message);
    knot__loc_free(&f->loc);
    for (size_t i = 0; i < f->nrelated; i++) {
        knot__loc_free(&f->related[i].loc);
        free(f->related[i].message);
    }
    free(f->related);
    for (size_t i = 0; i < f->ntasks; i++) {
        free(f->tasks[i].function);
        knot__loc_free(&f->tasks[i].spawn);
    }
    free(f->tasks);
}

const char *knot__signal_name(int sig) {
    static char name[16];
    const char *abbrev = sigabbrev_np(sig);
    if (!abbrev)
        return NULL;
    snprintf(name, sizeof name, "SIG%s", abbrev);
    return name;
}

const char knot__predicted_meaning[] =
    "predicted: it did not happen in this run, but another schedule that keeps every "
    "synchronisation this run made can make it happen";

void knot__run_end_describe(const knot__run_end *e, char *buf, size_t size) {
    const char *name = knot__signal_name(e->value);
    switch (e->how) {
    case KNOT_END_EXIT:
        snprintf(buf, size, "exited with status %d", e->value);
        break;
    case KNOT_END_SIGNAL:
        snprintf(buf, size, "was killed by signal %d%s%s%s", e->value, name ? " (" : "",
                 name ? name : "", name ? ")" : "");
        break;
    case KNOT_END_TIMEOUT:
        snprintf(buf, size, "was killed after its --timeout");
        break;
    default:
        snprintf(buf, size, "%s", "");
    }
}

void knot__findings_free(knot__findings *fs) {
    for (size_t i = 0; i < fs->n; i++)
        finding_free(&fs->v[i]);
    free(fs->v);
    memset(fs, 0, sizeof *fs);
}

/* ---- order ---- */

static int strcmp_null(const char *a, const char *b) {
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

static int finding_cmp(const void *pa, const void *pb) {
    const knot__finding *a = pa, *b = pb;
    int c = strcmp_null(a->loc.file, b->loc.file);
    if (c)
        return c;
    if (a->loc.line != b->loc.line)
        return a->loc.line < b->loc.line ? -1 : 1;
    if (a->loc.col != b->loc.col)
        return a->loc.col < b->loc.col ? -1 : 1;
    if ((c = strcmp(a->rule, b->rule)))
        return c;
    return strcmp(a->message, b->message);
}

void knot__findings_sort(knot__findings *fs) {
    if (fs->n < 2)
        return;
    qsort(fs->v, fs->n, sizeof *fs->v, finding_cmp);
    size_t keep = 1;
    for (size_t i = 1; i < fs->n; i++) {
        if (finding_cmp(&fs->v[keep - 1], &fs->v[i]) == 0 &&
            fs->v[keep - 1].predicted == fs->v[i].predicted)
            finding_free(&fs->v[i]);
        else
            fs->v[keep++] = fs->v[i];
    }
    fs->n = keep;
}

/* ---- filtering ---- */

static void keep_if(knot__findings *fs, bool (*keep)(const knot__finding *, const void *),
                    const void *ctx) {
    size_t out = 0;
    for (size_t i = 0; i < fs->n; i++) {
        if (keep(&fs->v[i], ctx))
            fs->v[out++] = fs->v[i];
        else
            finding_free(&fs->v[i]);
    }
    fs->n = out;
}

typedef struct rule_set {
    const char *const *ids;
    size_t n;
} rule_set;

static bool in_rule_set(const knot__finding *f, const void *ctx) {
    const rule_set *set = ctx;
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->ids[i], f->rule) == 0)
            return true;
    return false;
}

void knot__findings_filter_rules(knot__findings *fs, const char *const *ids, size_t n) {
    if (n == 0)
        return;
    rule_set set = {ids, n};
    keep_if(fs, in_rule_set, &set);
}

/* Does this source line carry `knot:ignore` naming rule (or naming none)? */
static bool line_ignores(const char *line, const char *rule) {
    const char *p = strstr(line, "knot:ignore");
    if (!p)
        return false;
    p += strlen("knot:ignore");
    bool named_any = false;
    size_t rlen = strlen(rule);
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *start = p;
        while (*p && (isalnum((unsigned char)*p) || *p == '-' || *p == '_'))
            p++;
        if (p == start)
            break;
        named_any = true;
        if ((size_t)(p - start) == rlen && strncmp(start, rule, rlen) == 0)
            return true;
    }
    return !named_any;
}

/* Lines line-1 and line of file, into two buffers; false if unreadable. */
static bool read_two_lines(const char *file, int line, char *above, char *at, size_t size) {
    FILE *f = fopen(file, "r");
    if (!f)
        return false;
    above[0] = at[0] = '\0';
    char buf[4096];
    int n = 0;
    bool found = false;
    while (fgets(buf, sizeof buf, f)) {
        size_t len = strlen(buf);
        bool whole = len > 0 && buf[len - 1] == '\n';
        if (n + 1 == line - 1)
            snprintf(above, size, "%s", buf);
        if (n + 1 == line) {
            snprintf(at, size, "%s", buf);
            found = true;
            break;
        }
        if (whole)
            n++;
    }
    fclose(f);
    return found;
}

static bool not_suppressed(const knot__finding *f, const void *ctx) {
    (void)ctx;
    if (!f->loc.file || f->loc.line <= 0)
        return true;
    char above[4096], at[4096];
    if (!read_two_lines(f->loc.file, f->loc.line, above, at, sizeof at))
        return true;
    return !line_ignores(at, f->rule) && !line_ignores(above, f->rule);
}

void knot__findings_apply_suppressions(knot__findings *fs) { keep_if(fs, not_suppressed, NULL); }

int knot__findings_max_severity(const knot__findings *fs) {
    int max = -1;
    for (size_t i = 0; i < fs->n; i++)
        if ((int)fs->v[i].severity > max)
            max = (int)fs->v[i].severity;
    return max;
}

/* ---- names ---- */

static const char *const severity_names[] = {"note", "warning", "error"};
static const char *const format_names[] = {"text", "json", "sarif"};

static int lookup(const char *s, const char *const *names, int n) {
    for (int i = 0; s && i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

int knot__format_parse(const char *s) { return lookup(s, format_names, 3); }

int knot__severity_parse(const char *s) { return lookup(s, severity_names, 3); }

const char *knot__severity_name(enum knot__severity s) {
    return (unsigned)s < 3 ? severity_names[s] : "warning";
}

int knot__findings_write(const knot__findings *fs, enum knot__format format, FILE *out,
                         bool color) {
    switch (format) {
    case KNOT_FORMAT_JSON:
        return knot__findings_write_json(fs, out);
    case KNOT_FORMAT_SARIF:
        return knot__findings_write_sarif(fs, out);
    case KNOT_FORMAT_TEXT:
    default:
        return knot__findings_write_text(fs, out, color);
    }
}

bool knot__findings_color(FILE *out) { return isatty(fileno(out)) && !getenv("NO_COLOR"); }
