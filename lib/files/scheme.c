/*
 * scheme.c — /v1/departments/{dept}/filing-heads: the department's filing
 * scheme (main heads and sub-heads, their retention category), which new
 * files' numbers are built from (DEPT/HEAD/SUB-HEAD/YEAR/NNNNN). Every member
 * reads it; the records officer or dept_admin keeps it (Idempotency-Key to
 * add, If-Match to change). Rules: sql/dept/0026_filing_scheme.sql,
 * functions/filing_head_*.sql, filing_heads_policies.sql.
 */
#include "files.h"
#include "../kit/kit.h"

#include "../auth/crypto.h"
#include "../core/core.h"

#include <string.h>

static const char *const categories[] = {"A", "B", "C", NULL};

/* A head's code: 1-16 of A-Z, 0-9 and '-', not starting with '-'; NULL after a 400. */
static const char *head_code(dft_req_t *r, json_t *body)
{
    const char *code = dft_body_string(r, body, "code", 16);
    if (code != NULL && (strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != strlen(code) || code[0] == '-')) {
        dft_respond_field_error(r, "code", "invalid", "code is 1-16 of A-Z, 0-9 and '-'.");
        return NULL;
    }
    return code;
}

static void create_head(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_dept_scope(r, &scope) != 0)
        return;
    static const char *const allowed[] = {"parent_id", "code", "name", "name_hi", "retention", "retention_years", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *parent = NULL, *code, *name, *name_hi, *retention, *years, *key;
    if ((json_object_get(body, "parent_id") != NULL && (parent = dft_kit_body_uuid(r, body, "parent_id")) == NULL) ||
        (code = head_code(r, body)) == NULL || (name = dft_body_text(r, body, "name", 200, 1)) == NULL ||
        (name_hi = dft_body_text(r, body, "name_hi", 200, 0)) == NULL ||
        (retention = dft_kit_body_enum(r, body, "retention", categories, NULL)) == NULL ||
        (years = dft_kit_body_int(r, body, "retention_years", 1, 10, "")) == NULL || dft_kit_idempotency_key(r, &key) != 0)
        return;
    char hash[65];
    dft_kit_request_hash(r, hash);
    const char *params[] = {parent, code, name, name_hi, retention, years[0] ? years : NULL, key,
                            h2o_strdup(&r->h2o->pool, hash, 64).base};
    dft_db_run(r, &scope, DFT_DB_WRITE, "filing_head_create", params, 8, dft_kit_on_created, r);
}

static void list_heads(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_dept_scope(r, &scope) != 0)
        return;
    dft_db_respond(r, &scope, DFT_DB_READ, "filing_heads_list", NULL, 0);
}

static const char *const yes_no[] = {"true", "false", NULL};

static void update_head(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *version;
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "head_id", "No such head.", id) != 0 ||
        (version = dft_kit_if_match(r, "head", 1)) == NULL)
        return;
    static const char *const allowed[] = {"name", "name_hi", "retention", "retention_years", "active", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *name = NULL, *name_hi = NULL, *retention = NULL, *years, *active = NULL;
    json_t *flag = json_object_get(body, "active");
    if (flag != NULL && !json_is_boolean(flag)) {
        dft_respond_field_error(r, "active", "invalid", "active is true or false.");
        return;
    }
    if (flag != NULL)
        active = yes_no[json_is_true(flag) ? 0 : 1];
    if ((json_object_get(body, "name") != NULL && (name = dft_body_text(r, body, "name", 200, 1)) == NULL) ||
        (json_object_get(body, "name_hi") != NULL && (name_hi = dft_body_text(r, body, "name_hi", 200, 0)) == NULL) ||
        (json_object_get(body, "retention") != NULL &&
         (retention = dft_kit_body_enum(r, body, "retention", categories, NULL)) == NULL) ||
        (years = dft_kit_body_int(r, body, "retention_years", 1, 10, "")) == NULL)
        return;
    if (json_object_size(body) == 0) {
        dft_respond_field_error(r, "name", "required", "Send at least one member to change.");
        return;
    }
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, version, name, name_hi, retention,
                            years[0] ? years : NULL, active};
    dft_db_run(r, &scope, DFT_DB_WRITE, "filing_head_update", params, 7, dft_kit_on_etag, r);
}

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/filing-heads", .name = "createFilingHead", .handler = create_head,
     .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/filing-heads", .name = "listFilingHeads", .handler = list_heads,
     .scope = "files:read"},
    {.method = "PATCH", .path = "/v1/departments/{dept}/filing-heads/{head_id}", .name = "updateFilingHead",
     .handler = update_head, .scope = "files:write"},
};

const dft_route_table_t dft_scheme_routes = {routes, DFT_ARRAY_SIZE(routes)};
