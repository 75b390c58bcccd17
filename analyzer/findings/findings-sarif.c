/* SARIF 2.1.0, as code-scanning services read it: one run, the tool's rule
 * list (every rule knot has, so ruleIndex is stable), one result per finding.
 * Paths under the current directory are written relative to %SRCROOT% (what
 * GitHub code scanning maps to the repository); others as file:// URIs. */
#include "findings-json.h"
#include "findings-rules.h"
#include "findings.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef KNOT_VERSION_STRING
#define KNOT_VERSION_STRING "0"
#endif

/* Percent-encode what RFC 3986 does not allow in a path. */
static void uri_escape(const char *path, char *out, size_t size) {
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)path; *p && o + 4 < size; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-._~!$&'()*+,;=:@", *p)) {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = hex[*p >> 4];
            out[o++] = hex[*p & 15];
        }
    }
    out[o] = '\0';
}

static const char *cwd(void) {
    static char dir[PATH_MAX];
    if (!dir[0] && !getcwd(dir, sizeof dir - 1))
        strcpy(dir, "/");
    return dir;
}

static json_t *artifact(const char *file) {
    char enc[3 * PATH_MAX];
    json_t *a = json_object();
    const char *root = cwd();
    size_t n = strlen(root);
    if (file[0] != '/') {
        uri_escape(file, enc, sizeof enc);
        json_object_set_new(a, "uri", json_string(enc));
        json_object_set_new(a, "uriBaseId", json_string("%SRCROOT%"));
    } else if (strncmp(file, root, n) == 0 && file[n] == '/') {
        uri_escape(file + n + 1, enc, sizeof enc);
        json_object_set_new(a, "uri", json_string(enc));
        json_object_set_new(a, "uriBaseId", json_string("%SRCROOT%"));
    } else {
        char uri[3 * PATH_MAX + 8];
        uri_escape(file, enc, sizeof enc);
        snprintf(uri, sizeof uri, "file://%s", enc);
        json_object_set_new(a, "uri", json_string(uri));
    }
    return a;
}

static json_t *location(const knot__loc *loc, const char *message, int id) {
    json_t *l = json_object();
    if (id >= 0)
        json_object_set_new(l, "id", json_integer(id));
    json_t *phys = json_object();
    if (loc->file) {
        json_object_set_new(phys, "artifactLocation", artifact(loc->file));
        json_t *region = json_object();
        json_object_set_new(region, "startLine", json_integer(loc->line > 0 ? loc->line : 1));
        if (loc->col > 0)
            json_object_set_new(region, "startColumn", json_integer(loc->col));
        json_object_set_new(phys, "region", region);
    } else if (loc->module) {
        json_object_set_new(phys, "artifactLocation", artifact(loc->module));
        json_t *addr = json_object();
        json_object_set_new(addr, "relativeAddress", json_integer((json_int_t)loc->address));
        json_object_set_new(phys, "address", addr);
    }
    if (json_object_size(phys) > 0)
        json_object_set_new(l, "physicalLocation", phys);
    else
        json_decref(phys);
    if (loc->function && loc->function[0]) {
        json_t *logical = json_object();
        json_object_set_new(logical, "name", json_string(loc->function));
        json_object_set_new(logical, "kind", json_string("function"));
        json_object_set_new(l, "logicalLocations", json_pack("[o]", logical));
    }
    if (message)
        json_object_set_new(l, "message", json_pack("{s:s}", "text", message));
    return l;
}

static const char *level(enum knot__severity s) {
    return s == KNOT_ERROR ? "error" : s == KNOT_WARNING ? "warning" : "note";
}

static json_t *rule_list(void) {
    json_t *rules = json_array();
    for (size_t i = 0; i < knot__rules_count; i++) {
        const knot__rule *r = knot__rules[i];
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(r->id));
        json_object_set_new(o, "shortDescription", json_pack("{s:s}", "text", r->summary));
        /* How to fix it and where its page is, as code-scanning services
         * show a rule's help beside each result. */
        char page[512], help[2048];
        knot__rule_page(r->id, page, sizeof page);
        const char *fix = knot__rule_fix(r->id);
        size_t n = fix ? strlen(fix) : 0;
        snprintf(help, sizeof help, "%s%sSee %s.", fix ? fix : "",
                 !fix                     ? ""
                 : n && fix[n - 1] == '.' ? " "
                                          : ". ",
                 page);
        json_object_set_new(o, "help", json_pack("{s:s}", "text", help));
        json_object_set_new(o, "defaultConfiguration",
                            json_pack("{s:s}", "level", level(r->severity)));
        json_object_set_new(
            o, "properties",
            json_pack("{s:s}", "kind", r->kind == KNOT_RULE_STATIC ? "static" : "dynamic"));
        json_array_append_new(rules, o);
    }
    return rules;
}

static json_t *result(const knot__finding *f) {
    json_t *res = json_object();
    json_object_set_new(res, "ruleId", json_string(f->rule));
    for (size_t i = 0; i < knot__rules_count; i++)
        if (strcmp(knot__rules[i]->id, f->rule) == 0)
            json_object_set_new(res, "ruleIndex", json_integer((json_int_t)i));
    json_object_set_new(res, "level", json_string(level(f->severity)));
    json_object_set_new(res, "message", json_pack("{s:s}", "text", f->message));
    json_object_set_new(res, "locations", json_pack("[o]", location(&f->loc, NULL, -1)));
    if (f->nrelated > 0) {
        json_t *rel = json_array();
        for (size_t i = 0; i < f->nrelated; i++)
            json_array_append_new(rel, location(&f->related[i].loc, f->related[i].message, (int)i));
        json_object_set_new(res, "relatedLocations", rel);
    }
    json_t *tasks = json_array();
    for (size_t i = 0; i < f->ntasks; i++)
        json_array_append_new(tasks, knot__json_task(&f->tasks[i]));
    json_object_set_new(res, "properties",
                        json_pack("{s:b,s:o}", "predicted", f->predicted, "tasks", tasks));
    return res;
}

int knot__findings_write_sarif(const knot__findings *fs, FILE *out) {
    json_t *driver = json_object();
    json_object_set_new(driver, "name", json_string("knot"));
    json_object_set_new(driver, "version", json_string(KNOT_VERSION_STRING));
    json_object_set_new(driver, "rules", rule_list());

    json_t *results = json_array();
    for (size_t i = 0; i < fs->n; i++)
        json_array_append_new(results, result(&fs->v[i]));

    char root[3 * PATH_MAX + 16], enc[3 * PATH_MAX];
    uri_escape(cwd(), enc, sizeof enc);
    snprintf(root, sizeof root, "file://%s%s", enc, strcmp(cwd(), "/") == 0 ? "" : "/");

    json_t *run = json_object();
    json_object_set_new(run, "tool", json_pack("{s:o}", "driver", driver));
    json_object_set_new(run, "originalUriBaseIds",
                        json_pack("{s:{s:s}}", "%SRCROOT%", "uri", root));
    json_object_set_new(run, "results", results);
    json_object_set_new(run, "columnKind", json_string("unicodeCodePoints"));
    if (fs->end.how != KNOT_END_UNKNOWN) {
        /* The recorded program's run, as SARIF says how a process ended. */
        json_t *inv = json_object();
        bool ok = fs->end.how == KNOT_END_EXIT && fs->end.value == 0;
        json_object_set_new(inv, "executionSuccessful", json_boolean(ok));
        if (fs->end.how == KNOT_END_EXIT) {
            json_object_set_new(inv, "exitCode", json_integer(fs->end.value));
        } else {
            const char *name = knot__signal_name(fs->end.value);
            json_object_set_new(inv, "exitSignalNumber", json_integer(fs->end.value));
            if (name)
                json_object_set_new(inv, "exitSignalName", json_string(name));
        }
        char how[128];
        knot__run_end_describe(&fs->end, how, sizeof how);
        json_object_set_new(inv, "exitCodeDescription", json_string(how));
        json_object_set_new(run, "invocations", json_pack("[o]", inv));
    }

    json_t *doc = json_object();
    json_object_set_new(doc, "$schema",
                        json_string("https://json.schemastore.org/sarif-2.1.0.json"));
    json_object_set_new(doc, "version", json_string("2.1.0"));
    json_object_set_new(doc, "runs", json_pack("[o]", run));
    return knot__json_dump(doc, out);
}
