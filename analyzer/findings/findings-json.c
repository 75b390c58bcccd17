/* JSON: {"version": 1, "findings": [...]}, built with jansson so escaping
 * and number formatting are a library's job, not ours. */
#include "findings-json.h"
#include "findings-rules.h"
#include "findings.h"

#include <jansson.h>

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

json_t *knot__json_loc(const knot__loc *loc) {
    json_t *o = json_object();
    json_object_set_new(o, "file", str_or_null(loc->file));
    json_object_set_new(o, "line", json_integer(loc->line));
    json_object_set_new(o, "column", json_integer(loc->col));
    json_object_set_new(o, "function", str_or_null(loc->function));
    if (loc->module) {
        json_object_set_new(o, "module", json_string(loc->module));
        json_object_set_new(o, "address", json_integer((json_int_t)loc->address));
    }
    if (loc->chain)
        json_object_set_new(o, "call_chain", json_string(loc->chain));
    return o;
}

json_t *knot__json_task(const knot__finding_task *t) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(t->id));
    json_object_set_new(o, "function", str_or_null(t->function));
    json_object_set_new(o, "spawn",
                        t->spawn.file || t->spawn.module ? knot__json_loc(&t->spawn) : json_null());
    return o;
}

static json_t *finding_json(const knot__finding *f) {
    json_t *o = json_object();
    json_object_set_new(o, "rule", json_string(f->rule));
    json_object_set_new(o, "severity", json_string(knot__severity_name(f->severity)));
    json_object_set_new(o, "predicted", json_boolean(f->predicted));
    json_object_set_new(o, "message", json_string(f->message));
    json_object_set_new(o, "location", knot__json_loc(&f->loc));
    json_t *related = json_array();
    for (size_t i = 0; i < f->nrelated; i++) {
        json_t *r = json_object();
        json_object_set_new(r, "message", json_string(f->related[i].message));
        json_object_set_new(r, "location", knot__json_loc(&f->related[i].loc));
        json_array_append_new(related, r);
    }
    json_object_set_new(o, "related", related);
    json_t *tasks = json_array();
    for (size_t i = 0; i < f->ntasks; i++)
        json_array_append_new(tasks, knot__json_task(&f->tasks[i]));
    json_object_set_new(o, "tasks", tasks);
    if (f->seq > 0) /* the trace event it is about: events.seq */
        json_object_set_new(o, "event", json_integer(f->seq));
    const char *fix = knot__rule_fix(f->rule);
    if (fix)
        json_object_set_new(o, "fix", json_string(fix));
    char page[512];
    knot__rule_page(f->rule, page, sizeof page);
    json_object_set_new(o, "rule_page", json_string(page));
    return o;
}

int knot__json_dump(json_t *doc, FILE *out) {
    int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(doc);
    fputc('\n', out);
    return rc != 0 || ferror(out) ? -1 : 0;
}

int knot__findings_write_json(const knot__findings *fs, FILE *out) {
    json_t *list = json_array();
    for (size_t i = 0; i < fs->n; i++)
        json_array_append_new(list, finding_json(&fs->v[i]));
    json_t *doc = json_object();
    json_object_set_new(doc, "version", json_integer(1));
    json_object_set_new(doc, "findings", list);
    if (fs->end.how != KNOT_END_UNKNOWN) {
        /* How the program ended: {"exit_status": N} or {"signal": N,
         * "signal_name": "SIGSEGV", "timed_out": false}. */
        json_t *end = json_object();
        if (fs->end.how == KNOT_END_EXIT) {
            json_object_set_new(end, "exit_status", json_integer(fs->end.value));
        } else {
            const char *name = knot__signal_name(fs->end.value);
            json_object_set_new(end, "signal", json_integer(fs->end.value));
            json_object_set_new(end, "signal_name", str_or_null(name));
            json_object_set_new(end, "timed_out", json_boolean(fs->end.how == KNOT_END_TIMEOUT));
        }
        json_object_set_new(doc, "program_end", end);
    }
    return knot__json_dump(doc, out);
}
