/*
 * test_router.c — matching, parameters, 404/405, encodings, query parsing.
 */
#include "core/core.h"
#include "http/router.h"
#include "test.h"

static void h(struct dft_req_t *r) { (void)r; }

static const char *const list_query[] = {"limit", "cursor", "q", NULL};
static const dft_route_t routes[] = {
    {.method = "GET", .path = "/", .name = "root", .handler = h},
    {.method = "GET", .path = "/v1/departments", .name = "list_depts", .handler = h, .query = list_query},
    {.method = "GET", .path = "/v1/departments/{dept}", .name = "get_dept", .handler = h},
    {.method = "GET", .path = "/v1/departments/summary", .name = "summary", .handler = h},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}", .name = "get_file", .handler = h},
    {.method = "PATCH", .path = "/v1/departments/{dept}/files/{file_id}", .name = "patch_file", .handler = h},
    {.method = "DELETE", .path = "/v1/departments/{dept}/files/{file_id}", .name = "del_file", .handler = h},
};
static const dft_route_table_t table = {routes, sizeof(routes) / sizeof(routes[0])};
static const dft_route_table_t *const tables[] = {&table};

static dft_code_t match(dft_router_t *r, const char *method, const char *path, dft_match_t *m)
{
    static char scratch[512];
    return dft_router_match(r, method, strlen(method), path, strlen(path), scratch, m);
}

TEST(test_router__matches_literal_and_params)
{
    dft_router_t *r = dft_router_new(tables, 1);
    dft_match_t m;
    CHECK(match(r, "GET", "/v1/departments", &m) == DFT_OK);
    CHECK_STR(m.route->name, "list_depts");
    CHECK(m.route_index == 1);
    CHECK(match(r, "GET", "/v1/departments/fin/files/abc-123", &m) == DFT_OK);
    CHECK_STR(m.route->name, "get_file");
    CHECK(m.num_params == 2);
    const dft_str_t *d = dft_param_get(m.params, m.num_params, "dept");
    CHECK(d != NULL && d->len == 3 && memcmp(d->base, "fin", 3) == 0);
    const dft_str_t *f = dft_param_get(m.params, m.num_params, "file_id");
    CHECK(f != NULL && f->len == 7 && memcmp(f->base, "abc-123", 7) == 0);
    CHECK(match(r, "GET", "/", &m) == DFT_OK);
    CHECK_STR(m.route->name, "root");
    dft_router_free(r);
}

TEST(test_router__literal_wins_over_param)
{
    dft_router_t *r = dft_router_new(tables, 1);
    dft_match_t m;
    CHECK(match(r, "GET", "/v1/departments/summary", &m) == DFT_OK);
    CHECK_STR(m.route->name, "summary");
    CHECK(m.num_params == 0);
    CHECK(match(r, "GET", "/v1/departments/summarx", &m) == DFT_OK);
    CHECK_STR(m.route->name, "get_dept");
    dft_router_free(r);
}

TEST(test_router__not_found)
{
    dft_router_t *r = dft_router_new(tables, 1);
    dft_match_t m;
    CHECK(match(r, "GET", "/v2/departments", &m) == DFT_E_NOT_FOUND);
    CHECK(match(r, "GET", "/v1/departments/", &m) == DFT_E_NOT_FOUND);
    CHECK(match(r, "GET", "/v1//departments", &m) == DFT_E_NOT_FOUND);
    CHECK(match(r, "GET", "/v1/departments/fin/files", &m) == DFT_E_NOT_FOUND);
    CHECK(match(r, "GET", "/v1/departments/fin/files/x/y", &m) == DFT_E_NOT_FOUND);
    CHECK(match(r, "GET", "", &m) == DFT_E_NOT_FOUND);
    CHECK(match(r, "GET", "v1", &m) == DFT_E_NOT_FOUND);
    CHECK(m.route == NULL && m.route_index == table.count);
    dft_router_free(r);
}

TEST(test_router__method_not_allowed_lists_allow)
{
    dft_router_t *r = dft_router_new(tables, 1);
    dft_match_t m;
    CHECK(match(r, "POST", "/v1/departments/fin/files/1", &m) == DFT_E_METHOD_NOT_ALLOWED);
    CHECK_STR(m.allow, "GET, PATCH, DELETE");
    CHECK(match(r, "BREW", "/v1/departments", &m) == DFT_E_METHOD_NOT_ALLOWED);
    CHECK_STR(m.allow, "GET");
    dft_router_free(r);
}

TEST(test_router__decodes_params_and_rejects_bad_encoding)
{
    dft_router_t *r = dft_router_new(tables, 1);
    dft_match_t m;
    CHECK(match(r, "GET", "/v1/departments/f%69n", &m) == DFT_OK);
    const dft_str_t *d = dft_param_get(m.params, m.num_params, "dept");
    CHECK(d != NULL && d->len == 3 && memcmp(d->base, "fin", 3) == 0);
    CHECK(match(r, "GET", "/v1/departments/a%2Fb", &m) == DFT_E_INVALID); /* encoded slash */
    CHECK(match(r, "GET", "/v1/departments/a%00b", &m) == DFT_E_INVALID); /* NUL */
    CHECK(match(r, "GET", "/v1/departments/a%zz", &m) == DFT_E_INVALID);
    CHECK(match(r, "GET", "/v1/departments/a%4", &m) == DFT_E_INVALID);
    CHECK(match(r, "GET", "/v1/depart%6dents", &m) == DFT_OK); /* literals match decoded */
    dft_router_free(r);
}

TEST(test_router__rejects_unknown_param)
{
    dft_query_t q;
    char scratch[128];
    const char *s = "limit=10&verbose=1";
    CHECK(dft_query_parse(s, strlen(s), list_query, scratch, &q) == DFT_E_INVALID);
    CHECK_STR(q.bad_name, "verbose");
    CHECK_STR(q.bad_reason, "unknown_parameter");
    s = "limit=1";
    CHECK(dft_query_parse(s, strlen(s), NULL, scratch, &q) == DFT_E_INVALID); /* route takes none */
}

TEST(test_router__parses_query)
{
    dft_query_t q;
    char scratch[128];
    const char *s = "limit=10&q=%E0%A4%AB%E0%A4%BE+2026&cursor=&";
    CHECK(dft_query_parse(s, strlen(s), list_query, scratch, &q) == DFT_OK);
    CHECK(q.count == 3);
    const dft_str_t *v = dft_param_get(q.items, q.count, "q");
    CHECK(v != NULL && v->len == 11 && memcmp(v->base, "\xE0\xA4\xAB\xE0\xA4\xBE 2026", 11) == 0);
    v = dft_param_get(q.items, q.count, "cursor");
    CHECK(v != NULL && v->len == 0);
    v = dft_param_get(q.items, q.count, "limit");
    CHECK(v != NULL && v->len == 2 && memcmp(v->base, "10", 2) == 0);
}

TEST(test_router__rejects_repeated_and_badly_encoded_query)
{
    dft_query_t q;
    char scratch[128];
    const char *s = "limit=1&limit=2";
    CHECK(dft_query_parse(s, strlen(s), list_query, scratch, &q) == DFT_E_INVALID);
    CHECK_STR(q.bad_reason, "repeated_parameter");
    s = "q=%0a";
    CHECK(dft_query_parse(s, strlen(s), list_query, scratch, &q) == DFT_E_INVALID);
    CHECK_STR(q.bad_reason, "bad_encoding");
    s = "q=%G1";
    CHECK(dft_query_parse(s, strlen(s), list_query, scratch, &q) == DFT_E_INVALID);
}

TEST(test_router__rejects_query_and_path_text_that_is_not_utf8)
{
    dft_query_t q;
    char scratch[128];
    const char *bad[] = {"q=%ff%fe", "q=%c0%af", "q=%ed%a0%80", "q=%e0%a4", "q=caf%e9"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); ++i) {
        CHECK(dft_query_parse(bad[i], strlen(bad[i]), list_query, scratch, &q) == DFT_E_INVALID);
        CHECK_STR(q.bad_reason, "bad_encoding");
    }
    const char *hindi = "q=%E0%A4%AB%E0%A4%BC%E0%A4%BE%E0%A4%87%E0%A4%B2";
    CHECK(dft_query_parse(hindi, strlen(hindi), list_query, scratch, &q) == DFT_OK);
    CHECK(dft_utf8_chars("\xe0\xa4\x95" "a", 4) == 2);
    CHECK(dft_utf8_chars("a\0b", 3) == SIZE_MAX);
    CHECK(dft_utf8_chars("\xff", 1) == SIZE_MAX);
}

/* A larger API's routes: six path parameters, a dozen query parameters. */
TEST(test_router__six_path_and_twelve_query_parameters)
{
    static const char *const many[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", NULL};
    static const dft_route_t deep[] = {
        {.method = "GET", .path = "/v1/{p1}/x/{p2}/{p3}/y/{p4}/{p5}/{p6}", .name = "deep", .handler = h, .query = many},
    };
    static const dft_route_table_t deep_table = {deep, 1};
    static const dft_route_table_t *const deep_tables[] = {&deep_table};
    dft_router_t *r = dft_router_new(deep_tables, 1);
    dft_match_t m;
    CHECK(match(r, "GET", "/v1/1/x/2/3/y/4/5/6", &m) == DFT_OK);
    CHECK(m.num_params == 6);
    const dft_str_t *p6 = dft_param_get(m.params, m.num_params, "p6");
    CHECK(p6 != NULL && p6->len == 1 && p6->base[0] == '6');
    dft_router_free(r);
    char scratch[128];
    dft_query_t q;
    const char *s = "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12";
    CHECK(dft_query_parse(s, strlen(s), many, scratch, &q) == DFT_OK);
    CHECK(q.count == 12);
}

const test_case_t router_cases[] = {
    CASE(test_router__matches_literal_and_params),
    CASE(test_router__literal_wins_over_param),
    CASE(test_router__not_found),
    CASE(test_router__method_not_allowed_lists_allow),
    CASE(test_router__decodes_params_and_rejects_bad_encoding),
    CASE(test_router__rejects_unknown_param),
    CASE(test_router__parses_query),
    CASE(test_router__six_path_and_twelve_query_parameters),
    CASE(test_router__rejects_repeated_and_badly_encoded_query),
    CASE(test_router__rejects_query_and_path_text_that_is_not_utf8),
    {NULL, NULL},
};
