/* The registry of every rule (see findings-rules.h): each row of
 * rules/rules.def expanded into its descriptor, and the table in the rows'
 * order. */
#include "findings-rules.h"

#include <string.h>

#define KNOT_RULE_ROW(name, kind_, id_, severity_, summary_, fix_) \
    const knot__rule knot__rule_##name = {                         \
        .id = (id_),                                               \
        .kind = (kind_),                                           \
        .severity = (severity_),                                   \
        .summary = (summary_),                                     \
        .fix = (fix_),                                             \
    };
#define KNOT_DYNAMIC_RULE(name, ...) KNOT_RULE_ROW(name, KNOT_RULE_DYNAMIC, __VA_ARGS__)
#define KNOT_STATIC_RULE(name, ...)  KNOT_RULE_ROW(name, KNOT_RULE_STATIC, __VA_ARGS__)
#define KNOT_MORE_RULE(name, ...)    KNOT_RULE_ROW(name, KNOT_RULE_DYNAMIC, __VA_ARGS__)
#include "rules.def"

const knot__rule *const knot__rules[] = {
#define KNOT_DYNAMIC_RULE(name, ...) &knot__rule_##name,
#define KNOT_STATIC_RULE(name, ...)  &knot__rule_##name,
#define KNOT_MORE_RULE(name, ...)    &knot__rule_##name,
#include "rules.def"
};

const size_t knot__rules_count = sizeof knot__rules / sizeof knot__rules[0];

const knot__rule *knot__rule_find(const char *id) {
    for (size_t i = 0; i < knot__rules_count; i++)
        if (strcmp(knot__rules[i]->id, id) == 0)
            return knot__rules[i];
    return NULL;
}

const char *knot__rule_fix(const char *id) {
    const knot__rule *rule = knot__rule_find(id);
    return rule ? rule->fix : NULL;
}

#ifndef KNOT_RULE_DOCS
#define KNOT_RULE_DOCS "docs/rules"
#endif

void knot__rule_page(const char *id, char *out, size_t size) {
    snprintf(out, size, "%s/%s.md", KNOT_RULE_DOCS, id);
}
