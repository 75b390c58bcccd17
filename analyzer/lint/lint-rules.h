/* The static rules' checks (rules/NAME.c for each KNOT_STATIC_RULE of
 * rules.def). Each reads the facts of one translation unit and adds its
 * findings; none of them prints. */
#ifndef KNOT_LINT_RULES_H
#define KNOT_LINT_RULES_H

#include "findings.h"
#include "lint-facts.h"
#include "lint-summary.h"

typedef void (*knot__lint_check)(const knot__lint_tu *tu, knot__findings *out);

#define KNOT_STATIC_RULE(name, ...) \
    void knot__lint_check_##name(const knot__lint_tu *tu, knot__findings *out);
#include "rules.def"

/* Every static rule's check, in rules.def's order (rules/rules.c). */
extern const knot__lint_check knot__lint_checks[];
extern const size_t knot__lint_checks_count;

/* A finding's location from a position in the translation unit's file. */
knot__loc knot__lint_loc(const knot__lint_tu *tu, knot__lint_pos pos, const char *function);

#endif
