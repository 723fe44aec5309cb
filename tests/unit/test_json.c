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

static int compacts_to(const char *in, const char *out)
{
    char buf[256];
    size_t n = dft_json_compact(buf, in, strlen(in));
    return n == strlen(out) && memcmp(buf, out, n) == 0;
}

TEST(test_json__compact_drops_whitespace_outside_strings_only)
{
    CHECK(compacts_to("{\"a\" : 1, \"b\" : [1, 2]}", "{\"a\":1,\"b\":[1,2]}"));
    CHECK(compacts_to("{\n\t\"a b\" : \" x  y \"\r\n}", "{\"a b\":\" x  y \"}"));
    CHECK(compacts_to("{\"q\" : \"say \\\" a \\\\\" , \"n\" : null}", "{\"q\":\"say \\\" a \\\\\",\"n\":null}"));
    CHECK(compacts_to("\"अ आ\"", "\"अ आ\""));
    CHECK(compacts_to("", ""));
    CHECK(compacts_to("\"\\", "\"\\")); /* cut short: copied as it is, never past the end */
}

const test_case_t json_cases[] = {
    CASE(test_json__compact_drops_whitespace_outside_strings_only),
    CASE(test_json__depth_counts_brackets_outside_strings),
    CASE(test_json__request_id_validation),
    {NULL, NULL},
};
