/* The registry of every rule (see rules.h), made from the one list of
 * them, rules.def: the descriptors in its order, the replayer's checks and
 * the linter's. */
#include "rules.h"
#include "lint-rules.h"
#include "replay.h"

#include <string.h>

#define KNOT_DYNAMIC_RULE(name)              \
    extern const knot_rule knot_rule_##name; \
    extern const knot_dynamic_check knot_check_##name;
#define KNOT_STATIC_RULE(name) extern const knot_rule knot_rule_##name;
#define KNOT_MORE_RULE(name)   extern const knot_rule knot_rule_##name;
#include "rules.def"

const knot_rule *const knot_rules[] = {
#define KNOT_DYNAMIC_RULE(name) &knot_rule_##name,
#define KNOT_STATIC_RULE(name)  &knot_rule_##name,
#define KNOT_MORE_RULE(name)    &knot_rule_##name,
#include "rules.def"
};

const size_t knot_rules_count = sizeof knot_rules / sizeof knot_rules[0];

const knot_dynamic_check *const knot_dynamic_checks[] = {
#define KNOT_DYNAMIC_RULE(name) &knot_check_##name,
#include "rules.def"
};

const size_t knot_dynamic_checks_count = sizeof knot_dynamic_checks / sizeof knot_dynamic_checks[0];

const knot_lint_check knot_lint_checks[] = {
#define KNOT_STATIC_RULE(name) knot_lint_check_##name,
#include "rules.def"
};

const size_t knot_lint_checks_count = sizeof knot_lint_checks / sizeof knot_lint_checks[0];

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
