/* The checks of every rule, made from the one list of them, rules.def: the
 * replayer's dynamic checks and the linter's static ones, in its order. The
 * rules' metadata is the registry's (findings-rules.h). */
#include "lint-rules.h"
#include "replay.h"

#define KNOT_DYNAMIC_RULE(name, ...) extern const knot_dynamic_check knot_check_##name;
#include "rules.def"

const knot_dynamic_check *const knot_dynamic_checks[] = {
#define KNOT_DYNAMIC_RULE(name, ...) &knot_check_##name,
#include "rules.def"
};

const size_t knot_dynamic_checks_count = sizeof knot_dynamic_checks / sizeof knot_dynamic_checks[0];

const knot_lint_check knot_lint_checks[] = {
#define KNOT_STATIC_RULE(name, ...) knot_lint_check_##name,
#include "rules.def"
};

const size_t knot_lint_checks_count = sizeof knot_lint_checks / sizeof knot_lint_checks[0];
