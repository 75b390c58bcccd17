/* knot lint, in a knot built without libclang (KNOT_BUILD_LINT=OFF). */
#include "cli-commands.h"

#include <stdio.h>

int knot__cmd_lint(int argc, char **argv) {
    (void)argc;
    (void)argv;
    fputs("knot: lint: this knot was built without libclang (KNOT_BUILD_LINT=OFF); "
          "rebuild with libclang-14-dev installed\n",
          stderr);
    return 2;
}
