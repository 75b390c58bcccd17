/* knot rules: every rule with its kind, usual severity and summary. */
#include "cli-commands.h"
#include "findings-rules.h"

#include <stdio.h>

int knot__cmd_rules(int argc, char **argv) {
    (void)argv;
    if (argc != 0) {
        fputs("knot: rules: takes no arguments (see knot rules --help)\n", stderr);
        return 2;
    }
    for (size_t i = 0; i < knot__rules_count; i++) {
        const knot__rule *r = knot__rules[i];
        printf("%-18s %-8s %-8s %s\n", r->id, r->kind == KNOT_RULE_STATIC ? "static" : "dynamic",
               knot__severity_name(r->severity), r->summary);
    }
    return 0;
}
