/* The static rules' checks (rules/NAME.c for each KNOT_STATIC_RULE of
 * rules.def). Each reads the facts of one translation unit and adds its
 * findings; none of them prints. */
#ifndef KNOT_LINT_RULES_H
#define KNOT_LINT_RULES_H

#include "findings.h"
#include "lint-facts.h"
#include "lint-summary.h"

typedef void (*knot_lint_check)(const knot_lint_tu *tu, knot_findings *out);

#define KNOT_STATIC_RULE(name, ...) \
    void knot_lint_check_##name(const knot_lint_tu *tu, knot_findings *out);
#include "rules.def"

/* Every static rule's check, in rules.def's order (rules/rules.c). */
extern const knot_lint_check knot_lint_checks[];
extern const size_t knot_lint_checks_count;

/* A finding's location from a position in the translation unit's file. */
knot_loc knot_lint_loc(const knot_lint_tu *tu, knot_lint_pos pos, const char *function);

#endif
