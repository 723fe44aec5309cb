/*
 * dispatches.c — /v1/departments/{dept}/dispatches: the dispatch register.
 * The dispatch section (dispatch_clerk) issues an approved draft
 * (Idempotency-Key): one dispatch a recipient, numbered without gaps per
 * department and year; records its status (If-Match) and attaches the
 * letter as sent (a PDF, the kit's attachments). The register lists and
 * searches what the caller may see (number, dates, addressee, subject,
 * mode, status); reports/dispatch counts by mode and status for a period;
 * dispatch-queue shows the approved drafts waiting. Rules:
 * functions/dispatch_*.sql, may_see_dispatch.sql.
 */
#include "dispatch.h"
#include "../kit/kit.h"

#include "../auth/crypto.h"
#include "../core/core.h"

#include <jansson.h>
#include <string.h>

static const char *const modes[] = {"email", "post", "hand", "department", NULL};
static const char *const statuses[] = {"issued", "sent", "delivered", "returned", "cancelled", NULL};
static const char *const changes[] = {"sent", "delivered", "returned", "cancelled", NULL};

static int dispatch_id(dft_req_t *r, dft_db_scope_t *scope, char id[37])
{
    return dft_kit_dept_scope(r, scope) != 0 || dft_kit_path_uuid(r, "dispatch_id", "No such dispatch.", id) != 0 ? -1 : 0;
}

static void issue_dispatch(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_dept_scope(r, &scope) != 0)
        return;
    static const char *const allowed[] = {"draft_id", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *draft, *key;
    if (body == NULL || (draft = dft_body_string(r, body, "draft_id", 36)) == NULL)
        return;
    if (!dft_uuid_valid(draft, strlen(draft))) {
        dft_respond_field_error(r, "draft_id", "invalid", "draft_id is a draft's id (a UUID).");
        return;
    }
    if (dft_kit_idempotency_key(r, &key) != 0)
        return;
    char hash[65];
    dft_sha256_hex(r->h2o->entity.base, r->h2o->entity.len, hash);
    const char *params[] = {draft, key, h2o_strdup(&r->h2o->pool, hash, 64).base};
    dft_db_run(r, &scope, DFT_DB_WRITE, "dispatch_issue", params, 3, dft_kit_on_created, r);
}

static void list_dispatches(dft_req_t *r)
{
    dft_db_scope_t scope;
    char limit[8];
    const char *number, *from, *to, *addressee, *q, *mode, *status, *cursor, *since;
    if (dft_kit_dept_scope(r, &scope) != 0 || (number = dft_kit_query_text(r, "number")) == NULL ||
        dft_kit_query_date(r, "from", &from) != 0 || dft_kit_query_date(r, "to", &to) != 0 ||
        (addressee = dft_kit_query_text(r, "addressee")) == NULL || (q = dft_kit_query_text(r, "q")) == NULL ||
        (mode = dft_kit_query_enum(r, "mode", modes, "")) == NULL ||
        (status = dft_kit_query_enum(r, "status", statuses, "")) == NULL || (cursor = dft_kit_cursor(r)) == NULL ||
        dft_req_limit(r, limit) != 0 || dft_kit_query_time(r, "updated_since", &since) != 0) /* delta sync */
        return;
    const char *params[] = {number, from, to, addressee, q, mode, status, cursor,
                            h2o_strdup(&r->h2o->pool, limit, SIZE_MAX).base, since};
    dft_db_respond(r, &scope, DFT_DB_READ, "dispatches_list", params, 10);
}

static void on_dispatch(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else if (reply->value == NULL)
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such dispatch.");
    else
        dft_kit_respond_etag(r, strcmp(r->route->method, "POST") == 0 ? 201 : 200, reply);
}

static void get_dispatch(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dispatch_id(r, &scope, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_run(r, &scope, DFT_DB_READ, "dispatch_get", params, 1, on_dispatch, r);
}

static void update_status(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *version;
    if (dispatch_id(r, &scope, id) != 0 || (version = dft_kit_if_match(r, "dispatch", 1)) == NULL)
        return;
    static const char *const allowed[] = {"status", "consignment", "remarks", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *status, *consignment = NULL, *remarks;
    if (body == NULL || (status = dft_kit_body_enum(r, body, "status", changes, NULL)) == NULL ||
        (json_object_get(body, "consignment") != NULL && (consignment = dft_body_text(r, body, "consignment", 100, 1)) == NULL) ||
        (remarks = dft_body_text(r, body, "remarks", 2000, 0)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, version, status, consignment, remarks};
    dft_db_run(r, &scope, DFT_DB_WRITE, "dispatch_status", params, 5, on_dispatch, r);
}

static const dft_attach_target_t to_dispatch = {"dispatch_id", "No such dispatch.", "dispatch_classification",
                                                "dispatch_document_add"};

static void upload_letter(dft_req_t *r)
{
    dft_attach_upload(r, &to_dispatch);
}

static void get_letter(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dispatch_id(r, &scope, id) != 0)
        return;
    const char *params[] = {id};
    dft_attach_download(r, &scope, "dispatch_document_get", params, 1);
}

static void get_queue(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_dept_scope(r, &scope) != 0)
        return;
    dft_db_respond(r, &scope, DFT_DB_READ, "dispatch_queue", NULL, 0);
}

static void get_report(dft_req_t *r)
{
    dft_db_scope_t scope;
    const char *from, *to;
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_query_date(r, "from", &from) != 0 ||
        dft_kit_query_date(r, "to", &to) != 0)
        return;
    const char *params[] = {from, to};
    dft_db_respond(r, &scope, DFT_DB_READ, "dispatch_report", params, 2);
}

static const char *const list_query[] = {"number", "from", "to", "addressee", "q", "mode", "status", "limit", "cursor",
                                        "updated_since", NULL};
static const char *const report_query[] = {"from", "to", NULL};

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/dispatches", .name = "issueDispatch", .handler = issue_dispatch,
     .scope = "dispatch:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/dispatches", .name = "listDispatches", .handler = list_dispatches,
     .query = list_query, .scope = "dispatch:read"},
    {.method = "GET", .path = "/v1/departments/{dept}/dispatches/{dispatch_id}", .name = "getDispatch",
     .handler = get_dispatch, .scope = "dispatch:read"},
    {.method = "POST", .path = "/v1/departments/{dept}/dispatches/{dispatch_id}/status", .name = "updateDispatchStatus",
     .handler = update_status, .scope = "dispatch:write"},
    {.method = "PUT", .path = "/v1/departments/{dept}/dispatches/{dispatch_id}/letter", .name = "uploadDispatchLetter",
     .handler = upload_letter, .query = dft_attach_upload_query, .flags = DFT_ROUTE_UPLOAD, .scope = "dispatch:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/dispatches/{dispatch_id}/letter", .name = "getDispatchLetter",
     .handler = get_letter, .scope = "dispatch:read"},
    {.method = "GET", .path = "/v1/departments/{dept}/dispatch-queue", .name = "getDispatchQueue", .handler = get_queue,
     .scope = "dispatch:read"},
    {.method = "GET", .path = "/v1/departments/{dept}/reports/dispatch", .name = "getDispatchReport",
     .handler = get_report, .query = report_query, .scope = "dispatch:read"},
};

const dft_route_table_t dft_dispatch_routes = {routes, DFT_ARRAY_SIZE(routes)};
