/*
 * test_problem.c — problem+json rendering and the code/status table.
 */
#include "http/problem.h"
#include "test.h"

#include <jansson.h>

static json_t *render(const dft_error_t *err, const char *instance, const char *rid, int hindi)
{
    dft_buf_t b = {0};
    dft_problem_render(&b, err, instance, instance ? strlen(instance) : 0, rid, hindi);
    json_t *j = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, NULL);
    dft_buf_dispose(&b);
    return j;
}

TEST(test_problem__renders_all_members)
{
    dft_field_error_t fields[] = {{"subject", "required", "A subject is required."},
                                  {"items/2/name", "too_long", NULL}};
    dft_error_t err = {.code = DFT_E_INVALID, .detail = "Bad \"input\"\n", .fields = fields, .num_fields = 2};
    json_t *j = render(&err, "/v1/x", "rid-1", 0);
    CHECK(j != NULL);
    CHECK_STR(json_string_value(json_object_get(j, "type")), "urn:daftar:problem:invalid-request");
    CHECK_STR(json_string_value(json_object_get(j, "title")), "The request is not valid");
    CHECK(json_integer_value(json_object_get(j, "status")) == 400);
    CHECK_STR(json_string_value(json_object_get(j, "detail")), "Bad \"input\"\n");
    CHECK_STR(json_string_value(json_object_get(j, "instance")), "/v1/x");
    CHECK_STR(json_string_value(json_object_get(j, "request_id")), "rid-1");
    json_t *errors = json_object_get(j, "errors");
    CHECK(json_array_size(errors) == 2);
    CHECK_STR(json_string_value(json_object_get(json_array_get(errors, 0), "field")), "subject");
    CHECK_STR(json_string_value(json_object_get(json_array_get(errors, 1), "reason")), "too_long");
    CHECK(json_object_get(json_array_get(errors, 1), "message") == NULL);
    json_decref(j);
}

TEST(test_problem__omits_absent_members_and_speaks_hindi)
{
    dft_error_t err = {.code = DFT_E_NOT_FOUND};
    json_t *j = render(&err, NULL, NULL, 1);
    CHECK(j != NULL);
    CHECK(json_object_size(j) == 3);
    CHECK_STR(json_string_value(json_object_get(j, "title")), "संसाधन नहीं मिला");
    CHECK(json_integer_value(json_object_get(j, "status")) == 404);
    json_decref(j);
}

TEST(test_problem__escapes_control_bytes)
{
    dft_error_t err = {.code = DFT_E_INVALID, .detail = "a\x01z\x7f"};
    json_t *j = render(&err, "/p\x02", NULL, 0);
    CHECK(j != NULL);
    CHECK_STR(json_string_value(json_object_get(j, "detail")), "a\x01z\x7f");
    json_decref(j);
}

TEST(test_problem__invalid_utf8_and_nul_become_replacement_characters)
{
    dft_error_t err = {.code = DFT_E_INVALID, .detail = "ok \xc3\x28 \xe0\x80\x80 \xed\xa0\x80 \xf5 \xe0\xa4\xab"};
    json_t *j = render(&err, "/p\0q", NULL, 0);
    CHECK(j != NULL);
    CHECK_STR(json_string_value(json_object_get(j, "detail")),
              "ok \xef\xbf\xbd( \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd \xe0\xa4\xab");
    json_decref(j);
}

TEST(test_problem__every_code_has_status_slug_and_titles)
{
    for (int c = DFT_E_INVALID; c < DFT_CODE_COUNT; ++c) {
        const dft_problem_kind_t *k = dft_problem_kind((dft_code_t)c);
        CHECK(k->status >= 400 && k->status <= 599);
        CHECK(k->slug != NULL && k->title_en != NULL && k->title_hi != NULL);
        CHECK(dft_problem_code_for_status(k->status) == (dft_code_t)c);
    }
    CHECK(dft_problem_kind(DFT_CODE_COUNT)->status == 500);
    CHECK(dft_problem_code_for_status(418) == DFT_E_INVALID);
    CHECK(dft_problem_code_for_status(502) == DFT_E_INTERNAL);
}

TEST(test_problem__a_refusal_has_its_own_type_and_hindi_detail)
{
    dft_error_t err = {.code = DFT_E_CONFLICT, .detail = "The file is closed.", .refusal = dft_problem_refusal("file-closed")};
    CHECK(err.refusal != NULL);
    json_t *j = render(&err, "/v1/x", "rid", 0);
    CHECK_STR(json_string_value(json_object_get(j, "type")), "urn:daftar:problem:file-closed");
    CHECK_STR(json_string_value(json_object_get(j, "title")), "The request conflicts with the current state");
    CHECK_STR(json_string_value(json_object_get(j, "detail")), "The file is closed.");
    CHECK(json_integer_value(json_object_get(j, "status")) == 409);
    json_decref(j);
    j = render(&err, "/v1/x", "rid", 1);
    CHECK_STR(json_string_value(json_object_get(j, "detail")), "फ़ाइल बंद है।");
    json_decref(j);
    CHECK(dft_problem_refusal("no-such-refusal") == NULL);
    for (size_t i = 0; dft_problem_refusal_at(i) != NULL; ++i) { /* slugs are URN-safe and each Hindi detail is text */
        const dft_refusal_t *r = dft_problem_refusal_at(i);
        CHECK(strspn(r->slug, "abcdefghijklmnopqrstuvwxyz-") == strlen(r->slug) && r->detail_hi[0] != '\0');
        CHECK(dft_utf8_chars(r->detail_hi, strlen(r->detail_hi)) != SIZE_MAX);
    }
}

const test_case_t problem_cases[] = {
    CASE(test_problem__renders_all_members),
    CASE(test_problem__omits_absent_members_and_speaks_hindi),
    CASE(test_problem__escapes_control_bytes),
    CASE(test_problem__invalid_utf8_and_nul_become_replacement_characters),
    CASE(test_problem__every_code_has_status_slug_and_titles),
    CASE(test_problem__a_refusal_has_its_own_type_and_hindi_detail),
    {NULL, NULL},
};
