/*
 * test_contract.c — api/openapi.yaml and the route tables agree: every
 * served route is in the contract with its operationId equal to the route's
 * name, and every operation in the contract is served.
 */
#include "auth/auth.h"
#include "db/sqlfiles.h"
#include "http/ops.h"
#include "http/problem.h"
#include "routes.h"
#include "test.h"

#include <ctype.h>
#include <jansson.h>

static const char *const methods[] = {"get", "post", "put", "patch", "delete", "head", "options", "trace"};

/* The contract's operation of route r, or NULL. */
static json_t *operation_of(json_t *paths, const dft_route_t *r)
{
    char lower[16];
    size_t k = 0;
    for (; r->method[k] && k + 1 < sizeof(lower); ++k)
        lower[k] = (char)tolower((unsigned char)r->method[k]);
    lower[k] = '\0';
    return json_object_get(json_object_get(paths, r->path), lower);
}

TEST(test_contract__every_route_is_in_openapi)
{
    json_t *doc = json_loadb(dft_openapi_json, dft_openapi_json_len, 0, NULL);
    CHECK(doc != NULL);
    json_t *paths = json_object_get(doc, "paths");
    size_t routes = 0;
    for (size_t t = 0; t < dft_num_route_tables; ++t)
        for (size_t i = 0; i < dft_route_tables[t]->count; ++i, ++routes) {
            const dft_route_t *r = &dft_route_tables[t]->routes[i];
            json_t *op = operation_of(paths, r);
            if (op == NULL)
                fprintf(stderr, "    served but not in the contract: %s %s\n", r->method, r->path);
            CHECK(op != NULL);
            const char *opid = json_string_value(json_object_get(op, "operationId"));
            if (op != NULL && (opid == NULL || strcmp(opid, r->name) != 0))
                fprintf(stderr, "    %s %s: operationId %s, route name %s\n", r->method, r->path, opid ? opid : "-", r->name);
            CHECK(op == NULL || (opid != NULL && strcmp(opid, r->name) == 0));
        }
    CHECK(routes > 0);
    json_decref(doc);
}

static int served(const char *path, const char *method)
{
    for (size_t t = 0; t < dft_num_route_tables; ++t)
        for (size_t i = 0; i < dft_route_tables[t]->count; ++i) {
            const dft_route_t *r = &dft_route_tables[t]->routes[i];
            if (strcmp(r->path, path) == 0 && strcasecmp(r->method, method) == 0)
                return 1;
        }
    return 0;
}

TEST(test_contract__every_openapi_operation_is_served)
{
    json_t *doc = json_loadb(dft_openapi_json, dft_openapi_json_len, 0, NULL);
    CHECK(doc != NULL);
    const char *path;
    json_t *item;
    size_t ops = 0;
    json_object_foreach(json_object_get(doc, "paths"), path, item)
    {
        for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); ++m) {
            if (json_object_get(item, methods[m]) == NULL)
                continue;
            ++ops;
            if (!served(path, methods[m]))
                fprintf(stderr, "    in the contract but not served: %s %s\n", methods[m], path);
            CHECK(served(path, methods[m]));
        }
    }
    CHECK(ops > 0);
    json_decref(doc);
}

/* The contract's Role enum is auth.h's DFT_ROLES, in the same order. */
TEST(test_contract__role_enum_is_the_role_list)
{
    json_t *doc = json_loadb(dft_openapi_json, dft_openapi_json_len, 0, NULL);
    CHECK(doc != NULL);
    json_t *e = json_object_get(json_object_get(json_object_get(json_object_get(doc, "components"), "schemas"), "Role"),
                                "enum");
    CHECK(json_array_size(e) == DFT_NUM_ROLES);
    for (unsigned i = 0; i < json_array_size(e); ++i) {
        const char *name = json_string_value(json_array_get(e, i));
        if (name == NULL || dft_role_name(i) == NULL || strcmp(name, dft_role_name(i)) != 0)
            fprintf(stderr, "    Role enum [%u] is %s, DFT_ROLES has %s\n", i, name ? name : "-",
                    dft_role_name(i) ? dft_role_name(i) : "-");
        CHECK(name != NULL && dft_role_name(i) != NULL && strcmp(name, dft_role_name(i)) == 0);
    }
    json_decref(doc);
}

/* The scope of a route is the one its operation lists under the `service` scheme; an
 * operation without it is closed to service accounts, as its route is. */
TEST(test_contract__each_operation_lists_its_routes_scope)
{
    json_t *doc = json_loadb(dft_openapi_json, dft_openapi_json_len, 0, NULL);
    CHECK(doc != NULL);
    json_t *paths = json_object_get(doc, "paths");
    size_t scoped = 0;
    for (size_t t = 0; t < dft_num_route_tables; ++t)
        for (size_t i = 0; i < dft_route_tables[t]->count; ++i) {
            const dft_route_t *r = &dft_route_tables[t]->routes[i];
            json_t *sec = json_object_get(operation_of(paths, r), "security"), *req;
            const char *listed = NULL;
            size_t j, count = 0;
            json_array_foreach(sec, j, req)
            {
                json_t *sv = json_object_get(req, "service");
                if (sv != NULL) {
                    count += json_array_size(sv);
                    listed = json_string_value(json_array_get(sv, 0));
                }
            }
            int ok = r->scope == NULL ? count == 0 : count == 1 && listed != NULL && strcmp(listed, r->scope) == 0;
            if (!ok)
                fprintf(stderr, "    %s %s: route scope %s, contract %s\n", r->method, r->path, r->scope ? r->scope : "-",
                        listed ? listed : "-");
            CHECK(ok);
            scoped += r->scope != NULL;
        }
    CHECK(scoped > 0);
    json_t *flows = json_object_get(
        json_object_get(json_object_get(json_object_get(doc, "components"), "securitySchemes"), "service"), "flows");
    json_t *declared = json_object_get(json_object_get(flows, "clientCredentials"), "scopes");
    unsigned n = 0;
    for (; dft_scope_name(n) != NULL; ++n)
        CHECK(json_object_get(declared, dft_scope_name(n)) != NULL);
    CHECK(json_object_size(declared) == n);
    json_decref(doc);
}

/* A route that needs no token says `security: []`; every other lists its schemes (bearer at least). */
TEST(test_contract__public_operations_say_security_empty)
{
    json_t *doc = json_loadb(dft_openapi_json, dft_openapi_json_len, 0, NULL);
    CHECK(doc != NULL);
    json_t *paths = json_object_get(doc, "paths");
    for (size_t t = 0; t < dft_num_route_tables; ++t)
        for (size_t i = 0; i < dft_route_tables[t]->count; ++i) {
            const dft_route_t *r = &dft_route_tables[t]->routes[i];
            json_t *sec = json_object_get(operation_of(paths, r), "security");
            int ok = json_is_array(sec) && ((r->flags & DFT_ROUTE_PUBLIC) ? json_array_size(sec) == 0 : json_array_size(sec) > 0);
            if (!ok)
                fprintf(stderr, "    %s %s: %s route, contract security %s\n", r->method, r->path,
                        (r->flags & DFT_ROUTE_PUBLIC) ? "public" : "token", sec == NULL ? "absent" : "wrong");
            CHECK(ok);
        }
    json_decref(doc);
}

/* Every refusal of the table is a type in the contract's Problem, and every HINT = '<slug>' in the
 * embedded SQL names a refusal of the table (else the client would get the general type). */
TEST(test_contract__refusals_are_listed_and_named_by_sql)
{
    json_t *doc = json_loadb(dft_openapi_json, dft_openapi_json_len, 0, NULL);
    json_t *e = json_object_get(json_object_get(json_object_get(json_object_get(json_object_get(json_object_get(doc,
                "components"), "schemas"), "Problem"), "properties"), "type"), "enum");
    CHECK(json_array_size(e) > 16);
    size_t n = 0;
    for (const dft_refusal_t *r; (r = dft_problem_refusal_at(n)) != NULL; ++n) {
        char want[96];
        snprintf(want, sizeof(want), "urn:daftar:problem:%s", r->slug);
        int found = 0;
        size_t i;
        json_t *v;
        json_array_foreach(e, i, v) found |= json_string_value(v) && strcmp(json_string_value(v), want) == 0;
        if (!found)
            fprintf(stderr, "    refusal %s is not in the contract's Problem.type\n", r->slug);
        CHECK(found);
    }
    CHECK(json_array_size(e) == 16 + n);
    size_t hints = 0;
    for (size_t f = 0; f < dft_num_sql_files; ++f)
        for (const char *p = dft_sql_files[f].text; (p = strstr(p, "HINT = '")) != NULL; ++hints) {
            p += 8;
            char slug[64];
            size_t len = strcspn(p, "'");
            snprintf(slug, sizeof(slug), "%.*s", (int)(len < 63 ? len : 63), p);
            if (dft_problem_refusal(slug) == NULL)
                fprintf(stderr, "    %s/%s: HINT '%s' is no refusal of lib/http/problem.c\n", dft_sql_files[f].group,
                        dft_sql_files[f].name, slug);
            CHECK(dft_problem_refusal(slug) != NULL);
        }
    CHECK(hints >= n);
    json_decref(doc);
}

const test_case_t contract_cases[] = {
    CASE(test_contract__every_route_is_in_openapi),
    CASE(test_contract__every_openapi_operation_is_served),
    CASE(test_contract__role_enum_is_the_role_list),
    CASE(test_contract__each_operation_lists_its_routes_scope),
    CASE(test_contract__public_operations_say_security_empty),
    CASE(test_contract__refusals_are_listed_and_named_by_sql),
    {NULL, NULL},
};
