/* The tests' one pseudo-random generator: xorshift64, so that a test's
 * values come from a fixed seed and a failure repeats. */
#ifndef KNOT_TEST_XORSHIFT_H
#define KNOT_TEST_XORSHIFT_H

#include <stdint.h>

/* The next value after *state (not 0), which it becomes. */
static inline uint64_t xorshift(uint64_t *state) {
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

#endif
