/* The static rules' checks (rules/loop-capture.c, rules/close-by-receiver.c,
 * rules/unreceived-send.c). Each reads the facts of one translation unit
 * and adds its findings; none of them prints. */
#ifndef KNOT_LINT_RULES_H
#define KNOT_LINT_RULES_H

#include "findings.h"
#include "lint-facts.h"
#include "lint-summary.h"

void knot_lint_check_loop_capture(const knot_lint_tu *tu, knot_findings *out);
void knot_lint_check_close_by_receiver(const knot_lint_tu *tu, knot_findings *out);
void knot_lint_check_unreceived_send(const knot_lint_tu *tu, knot_findings *out);

/* A finding's location from a position in the translation unit's file. */
knot_loc knot_lint_loc(const knot_lint_tu *tu, knot_lint_pos pos, const char *function);

#endif
