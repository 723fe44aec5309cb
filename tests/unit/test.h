/*
 * test.h — a very small unit-test harness. A case is a function; CHECK
 * records a failure with file:line and keeps going, so one run shows every
 * broken expectation. `unit` prints one line per case and a summary.
 */
#ifndef DFT_TEST_H
#define DFT_TEST_H

#include <stdio.h>
#include <string.h>

typedef struct test_case_t {
    const char *name;
    void (*fn)(void);
} test_case_t;

extern int test_failures;

#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            ++test_failures;                                                                                           \
            fprintf(stderr, "    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);                                \
        }                                                                                                              \
    } while (0)
#define CHECK_STR(a, b)                                                                                                \
    do {                                                                                                               \
        const char *a_ = (a), *b_ = (b);                                                                               \
        if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {                                                         \
            ++test_failures;                                                                                           \
            fprintf(stderr, "    %s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
        }                                                                                                              \
    } while (0)
#define CHECK_STRN(s, n, lit) CHECK((n) == strlen(lit) && memcmp((s), (lit), (n)) == 0)

#define TEST(name) static void name(void)
#define CASE(name) {#name, name}

#endif
