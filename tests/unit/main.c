/*
 * main.c — runs every unit-test case (or those whose name contains argv[1]).
 */
#include "test.h"

#include <stdlib.h>

int test_failures;

extern const test_case_t router_cases[], problem_cases[], config_cases[], contract_cases[], db_cases[], json_cases[],
    auth_cases[], totp_cases[], cidr_cases[], compress_cases[];

static const test_case_t *const suites[] = {router_cases, problem_cases, config_cases, contract_cases, db_cases, json_cases, auth_cases, totp_cases, cidr_cases,
                                              compress_cases};

int main(int argc, char **argv)
{
    int passed = 0, failed = 0;
    for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); ++s)
        for (const test_case_t *c = suites[s]; c->name != NULL; ++c) {
            if (argc > 1 && strstr(c->name, argv[1]) == NULL)
                continue;
            int before = test_failures;
            c->fn();
            if (test_failures == before) {
                ++passed;
                printf("PASS %s\n", c->name);
            } else {
                ++failed;
                printf("FAIL %s\n", c->name);
            }
        }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
