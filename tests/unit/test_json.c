/*
 * test_json.c — the nesting-depth pre-check run before any JSON body is parsed.
 */
#include "http/server.h"
#include "test.h"

TEST(test_json__depth_counts_brackets_outside_strings)
{
    CHECK(dft_json_depth("{}", 2) == 1);
    CHECK(dft_json_depth("{\"a\":[1,{\"b\":[]}]}", 17) == 4);
    const char *s = "{\"a\":\"[[[[{{{{\"}";
    CHECK(dft_json_depth(s, strlen(s)) == 1);
    s = "{\"a\":\"\\\"[[[[\"}"; /* escaped quote inside the string */
    CHECK(dft_json_depth(s, strlen(s)) == 1);
    CHECK(dft_json_depth("", 0) == 0);
    CHECK(dft_json_depth("]]]]", 4) == 0);
    char deep[2001];
    memset(deep, '[', 1000);
    memset(deep + 1000, ']', 1000);
    CHECK(dft_json_depth(deep, 2000) == 1000);
}

TEST(test_json__request_id_validation)
{
    CHECK(dft_request_id_valid("abc-123_X.y:z", 13));
    CHECK(!dft_request_id_valid("", 0));
    CHECK(!dft_request_id_valid("a b", 3));
    CHECK(!dft_request_id_valid("a\r\nb", 4));
    char long_id[65];
    memset(long_id, 'a', 65);
    CHECK(dft_request_id_valid(long_id, 64));
    CHECK(!dft_request_id_valid(long_id, 65));
}

const test_case_t json_cases[] = {
    CASE(test_json__depth_counts_brackets_outside_strings),
    CASE(test_json__request_id_validation),
    {NULL, NULL},
};
