/* The rule registry: every rule knot knows, static and dynamic. Each rule
 * lives in its own file under rules/, which defines its descriptor and its
 * check, and has its line in rules.def, the one list of rules; this table,
 * made from it, is what `knot rules`, `--rule` and SARIF's rule list read. */
#ifndef KNOT_RULES_H
#define KNOT_RULES_H

#include "findings.h"

#include <stddef.h>
#include <stdio.h>

enum knot_rule_kind { KNOT_RULE_DYNAMIC, KNOT_RULE_STATIC };

typedef struct knot_rule {
    const char *id; /* stable: tests and users match on it */
    enum knot_rule_kind kind;
    enum knot_severity severity; /* the usual severity of its findings */
    const char *summary;         /* one line */
    /* How to fix what it finds, in a sentence or two: what every output
     * gives beside a finding, so that the text, the report and the pages
     * cannot drift apart (docs/rules/ID.md, "Fixes", shows it with code). */
    const char *fix;
} knot_rule;

extern const knot_rule *const knot_rules[];
extern const size_t knot_rules_count;

/* The rule with this id, or NULL. */
const knot_rule *knot_rule_find(const char *id);

/* How to fix what the rule with this id finds, in a sentence or two (NULL
 * for an unknown id); its page in docs/rules says more. */
const char *knot_rule_fix(const char *id);

/* The rule's page: "docs/rules/ID.md", under the KNOT_RULE_DOCS prefix the
 * build chose (a path or a URL). */
void knot_rule_page(const char *id, char *out, size_t size);

#endif
