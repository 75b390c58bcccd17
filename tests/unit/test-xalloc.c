/* The analyzer's memory policy (analyzer/util/util-xalloc.h): the one grow
 * helper keeps its promises (at least want, at least double, new elements
 * zeroed, old ones kept), and running out of memory, however it happens,
 * ends knot with the one line and status 2. */
#include "../harness.h"
#include "util-xalloc.h"

#include <stdint.h>
#include <string.h>

static void grow_keeps_zeroes_and_doubles(void) {
    size_t cap = 0;
    int *v = knot__xgrow(NULL, &cap, 3, sizeof *v);
    CHECK_EQ(cap, 3);
    for (int i = 0; i < 3; i++)
        CHECK_EQ(v[i], 0);
    v[0] = 7, v[2] = 9;
    v = knot__xgrow(v, &cap, 4, sizeof *v); /* one more: twice as many */
    CHECK_EQ(cap, 6);
    CHECK_EQ(v[0], 7);
    CHECK_EQ(v[2], 9);
    for (int i = 3; i < 6; i++)
        CHECK_EQ(v[i], 0);
    int *same = knot__xgrow(v, &cap, 5, sizeof *v); /* room left: unchanged */
    CHECK(same == v);
    CHECK_EQ(cap, 6);
    v = knot__xgrow(v, &cap, 100, sizeof *v); /* far past double: exactly want */
    CHECK_EQ(cap, 100);
    CHECK_EQ(v[99], 0);
    free(v);
}

static void strdup_copies_and_keeps_null(void) {
    char *s = knot__xstrdup("knot");
    CHECK(s && strcmp(s, "knot") == 0);
    free(s);
    CHECK(knot__xstrdup(NULL) == NULL);
}

/* Sizes no machine has, read at run time so that the compiler does not
 * refuse the calls that ask for them. */
static volatile size_t huge = SIZE_MAX - 4096, half = SIZE_MAX / 2;

static void malloc_beyond_memory_exits_2(void) { free(knot__xmalloc(huge)); }

static void calloc_overflowing_exits_2(void) { free(knot__xcalloc(half, 4)); }

static void realloc_beyond_memory_exits_2(void) { free(knot__xrealloc(knot__xmalloc(16), huge)); }

static void grow_overflowing_exits_2(void) {
    size_t cap = 0;
    free(knot__xgrow(NULL, &cap, SIZE_MAX / 4, 8));
}

static const test_case cases[] = {
    CASE(grow_keeps_zeroes_and_doubles),
    CASE(strdup_copies_and_keeps_null),
    CASE_FAILS(malloc_beyond_memory_exits_2, 2, "knot: out of memory"),
    CASE_FAILS(calloc_overflowing_exits_2, 2, "knot: out of memory"),
    CASE_FAILS(realloc_beyond_memory_exits_2, 2, "knot: out of memory"),
    CASE_FAILS(grow_overflowing_exits_2, 2, "knot: out of memory"),
};

TEST_MAIN(cases)
