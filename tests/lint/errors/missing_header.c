/* Includes a header that does not exist. */
#include <knot/knot.h>
#include "no_such_header.h"

int main(void) { return 0; }
