/* The checks of every rule, made from the one list of them, rules.def: the
 * replayer's dynamic checks and the linter's static ones, in its order. The
 * rules' metadata is the registry's (findings-rules.h). */
#include "lint-rules.h"
#include "replay.h"

#define KNOT_DYNAMIC_RULE(name, ...) extern const knot__dynamic_check knot__check_##name;
#include "rules.def"

const knot__dynamic_check *const knot__dynamic_checks[] = {
#define KNOT_DYNAMIC_RULE(name, ...) &knot__check_##name,
#include "rules.def"
};

const size_t knot__dynamic_checks_count =
    sizeof knot__dynamic_checks / sizeof knot__dynamic_checks[0];

const knot__lint_check knot__lint_checks[] = {
#define KNOT_STATIC_RULE(name, ...) knot__lint_check_##name,
#include "rules.def"
};

const size_t knot__lint_checks_count = sizeof knot__lint_checks / sizeof knot__lint_checks[0];
