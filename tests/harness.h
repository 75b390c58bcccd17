/* A small test harness: every case runs in its own process (the test binary
 * re-executes itself with the case name), so a case may panic, deadlock or
 * exit, and the parent checks its exit status and output exactly. */
#ifndef KNOT_TEST_HARNESS_H
#define KNOT_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>

typedef struct test_case {
    const char *name;
    void (*fn)(void);
    int want_status; /* exit status the case must end with */
    /* Substrings (separated by '|') stderr must hold, or NULL. "{L:text}" stands
     * for the number of the first line of the test's source holding "text", so
     * expectations survive edits above them. */
    const char *want_stderr;
    const char *want_stdout; /* substrings stdout must hold, or NULL */
} test_case;

/* Fail the current case: print where and why, exit 1. */
#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
            exit(1);                                                                 \
        }                                                                            \
    } while (0)

#define CHECK_EQ(a, b)                                                                            \
    do {                                                                                          \
        long long a_ = (long long)(a), b_ = (long long)(b);                                       \
        if (a_ != b_) {                                                                           \
            fprintf(stderr, "%s:%d: check failed: %s == %s (%lld != %lld)\n", __FILE__, __LINE__, \
                    #a, #b, a_, b_);                                                              \
            exit(1);                                                                              \
        }                                                                                         \
    } while (0)

/* OK: the case returns normally → status 0. */
#define CASE(fn) \
    { #fn, fn, 0, NULL, NULL }
/* The case must end with status s and print each of the '|'-separated parts of err. */
#define CASE_FAILS(fn, s, err) \
    { #fn, fn, s, err, NULL }
#define CASE_PRINTS(fn, out) \
    { #fn, fn, 0, NULL, out }

int test_main(int argc, char **argv, const test_case *cases, size_t n, const char *source);

#define TEST_MAIN(cases)                                                                   \
    int main(int argc, char **argv) {                                                      \
        return test_main(argc, argv, cases, sizeof(cases) / sizeof((cases)[0]), __FILE__); \
    }

#endif
