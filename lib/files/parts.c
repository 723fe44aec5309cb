/*
 * parts.c — part files: opened from a main file that is elsewhere
 * (POST .../files/{file_id}/parts, Idempotency-Key), listed with it
 * (GET .../files/{file_id}/parts), merged back into it once it returns
 * (POST .../files/{file_id}/merge on the part, If-Match): the part's notes
 * join the main notesheet in order, sealed into its chain. Rules:
 * sql/dept/0028_part_files.sql, functions/part_open.sql, part_merge.sql.
 */
#include "files.h"
#include "../kit/kit.h"

#include "../core/core.h"

static void open_part(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "file_id", "No such file.", id) != 0)
        return;
    static const char *const allowed[] = {"subject", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *subject = NULL, *key;
    if (body == NULL ||
        (json_object_get(body, "subject") != NULL && (subject = dft_body_text(r, body, "subject", 500, 1)) == NULL) ||
        dft_kit_idempotency_key(r, &key) != 0)
        return;
    char hash[65];
    dft_kit_request_hash(r, hash);
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, subject, key, h2o_strdup(&r->h2o->pool, hash, 64).base};
    dft_db_run(r, &scope, DFT_DB_WRITE, "part_open", params, 4, dft_kit_on_created, r);
}

static void list_parts(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "file_id", "No such file.", id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "parts_list", params, 1); /* audits confidential reads */
}

static void merge_part(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *version;
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "file_id", "No such file.", id) != 0 ||
        (version = dft_kit_if_match(r, "file", 1)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, version};
    dft_db_run(r, &scope, DFT_DB_WRITE, "part_merge", params, 2, dft_kit_on_etag, r);
}

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/parts", .name = "openPartFile", .handler = open_part,
     .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/parts", .name = "listPartFiles", .handler = list_parts,
     .scope = "files:read"},
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/merge", .name = "mergePartFile",
     .handler = merge_part, .scope = "files:write"},
};

const dft_route_table_t dft_part_routes = {routes, DFT_ARRAY_SIZE(routes)};
