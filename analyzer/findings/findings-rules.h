/* The rule registry: every rule knot knows, static and dynamic, with what
 * the outputs say of it (id, kind, severity, summary, fix, page). It is made
 * from the rows of rules/rules.def, where each rule's metadata is written
 * once; the checks sit in the rule files, which findings never links, so
 * `knot rules`, `--rule`, the fixes beside findings and SARIF's rule list
 * read it without them. */
#ifndef KNOT_FINDINGS_RULES_H
#define KNOT_FINDINGS_RULES_H

#include "findings.h"

#include <stddef.h>
#include <stdio.h>

enum knot__rule_kind { KNOT_RULE_DYNAMIC, KNOT_RULE_STATIC };

typedef struct knot__rule {
    const char *id; /* stable: tests and users match on it */
    enum knot__rule_kind kind;
    enum knot__severity severity; /* the usual severity of its findings */
    const char *summary;          /* one line */
    const char *fix;              /* how to fix what it finds, in a sentence or two */
} knot__rule;

/* Each rule's descriptor, knot_rule_NAME, for its check to report under. */
#define KNOT_DYNAMIC_RULE(name, ...) extern const knot__rule knot__rule_##name;
#define KNOT_STATIC_RULE(name, ...)  extern const knot__rule knot__rule_##name;
#define KNOT_MORE_RULE(name, ...)    extern const knot__rule knot__rule_##name;
#include "rules.def"

/* Every rule, in rules.def's order. */
extern const knot__rule *const knot__rules[];
extern const size_t knot__rules_count;

/* The rule with this id, or NULL. */
const knot__rule *knot__rule_find(const char *id);

/* How to fix what the rule with this id finds, in a sentence or two (NULL
 * for an unknown id); its page in docs/rules says more. */
const char *knot__rule_fix(const char *id);

/* The rule's page: "docs/rules/ID.md", under the KNOT_RULE_DOCS prefix the
 * build chose (a path or a URL). */
void knot__rule_page(const char *id, char *out, size_t size);

#endif
