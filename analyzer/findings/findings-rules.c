/* The registry of every rule (see findings-rules.h): each row of
 * rules/rules.def expanded into its descriptor, and the table in the rows'
 * order. */
#include "findings-rules.h"

#include <string.h>

#define KNOT_RULE_ROW(name, kind_, id_, severity_, summary_, fix_) \
    const knot_rule knot_rule_##name = {                           \
        .id = id_,                                                 \
        .kind = kind_,                                             \
        .severity = severity_,                                     \
        .summary = summary_,                                       \
        .fix = fix_,                                               \
    };
#define KNOT_DYNAMIC_RULE(name, ...) KNOT_RULE_ROW(name, KNOT_RULE_DYNAMIC, __VA_ARGS__)
#define KNOT_STATIC_RULE(name, ...)  KNOT_RULE_ROW(name, KNOT_RULE_STATIC, __VA_ARGS__)
#define KNOT_MORE_RULE(name, ...)    KNOT_RULE_ROW(name, KNOT_RULE_DYNAMIC, __VA_ARGS__)
#include "rules.def"

const knot_rule *const knot_rules[] = {
#define KNOT_DYNAMIC_RULE(name, ...) &knot_rule_##name,
#define KNOT_STATIC_RULE(name, ...)  &knot_rule_##name,
#define KNOT_MORE_RULE(name, ...)    &knot_rule_##name,
#include "rules.def"
};

const size_t knot_rules_count = sizeof knot_rules / sizeof knot_rules[0];

const knot_rule *knot_rule_find(const char *id) {
    for (size_t i = 0; i < knot_rules_count; i++)
        if (strcmp(knot_rules[i]->id, id) == 0)
            return knot_rules[i];
    return NULL;
}

const char *knot_rule_fix(const char *id) {
    const knot_rule *rule = knot_rule_find(id);
    return rule ? rule->fix : NULL;
}

#ifndef KNOT_RULE_DOCS
#define KNOT_RULE_DOCS "docs/rules"
#endif

void knot_rule_page(const char *id, char *out, size_t size) {
    snprintf(out, size, "%s/%s.md", KNOT_RULE_DOCS, id);
}
