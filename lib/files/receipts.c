/*
 * receipts.c — /v1/departments/{dept}/receipts: the inward register.
 * Register a letter (Idempotency-Key), list and read what the caller may see,
 * put a receipt into a file the caller holds. Its document is uploaded and
 * read through documents.c. Who may see what: sql/dept/0006_receipts.sql.
 */
#include "files.h"
#include "../kit/kit.h"

#include "../auth/crypto.h"
#include "../core/core.h"

#include <string.h>

static const char *const classifications[] = {"unclassified", "restricted", "confidential", "secret", NULL};
static const char *const modes[] = {"post", "hand", "email", "courier", "portal", "fax", NULL};

static void create_receipt(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_dept_scope(r, &scope) != 0)
        return;
    static const char *const allowed[] = {"sender",  "letter_number",  "letter_date", "received_on",
                                          "mode",    "subject",        "classification", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *sender, *number, *subject, *mode, *classification, *letter_date, *received_on, *key;
    if ((sender = dft_body_text(r, body, "sender", 300, 1)) == NULL ||
        (number = dft_body_text(r, body, "letter_number", 100, 0)) == NULL ||
        (subject = dft_body_text(r, body, "subject", 500, 1)) == NULL ||
        (mode = dft_kit_body_enum(r, body, "mode", modes, NULL)) == NULL ||
        (classification = dft_kit_body_enum(r, body, "classification", classifications, "restricted")) == NULL ||
        dft_kit_body_date(r, body, "letter_date", &letter_date) != 0 ||
        dft_kit_body_date(r, body, "received_on", &received_on) != 0 || dft_kit_idempotency_key(r, &key) != 0)
        return;
    char hash[65];
    dft_sha256_hex(r->h2o->entity.base, r->h2o->entity.len, hash);
    const char *params[] = {sender, number, letter_date, received_on, mode, subject, classification, key,
                            h2o_strdup(&r->h2o->pool, hash, 64).base};
    dft_db_run(r, &scope, DFT_DB_WRITE, "receipt_create", params, 9, dft_kit_on_created, r);
}

static void list_receipts(dft_req_t *r)
{
    dft_db_scope_t scope;
    char limit[8];
    const char *cursor;
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_req_limit(r, limit) != 0 || (cursor = dft_kit_cursor(r)) == NULL)
        return;
    static const char *const filed_values[] = {"yes", "no", NULL};
    const char *filed = dft_kit_query_enum(r, "filed", filed_values, "");
    if (filed == NULL)
        return;
    const char *params[] = {filed, cursor, h2o_strdup(&r->h2o->pool, limit, SIZE_MAX).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "receipts_list", params, 3);
}

static void on_receipt(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else if (reply->value == NULL)
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such receipt.");
    else
        dft_respond_json(r, 200, reply->value, reply->len);
}

static void get_receipt(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "receipt_id", "No such receipt.", id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    /* read-write: reading a confidential receipt writes an audit event */
    dft_db_run(r, &scope, DFT_DB_WRITE, "receipt_get", params, 1, on_receipt, r);
}

static void file_receipt(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "receipt_id", "No such receipt.", id) != 0)
        return;
    static const char *const allowed[] = {"file_id", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *file;
    if (body == NULL || (file = dft_body_string(r, body, "file_id", 36)) == NULL)
        return;
    if (!dft_kit_uuid_valid(file, strlen(file))) {
        dft_respond_field_error(r, "file_id", "invalid", "file_id is a file's id (a UUID).");
        return;
    }
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, file};
    dft_db_run(r, &scope, DFT_DB_WRITE, "receipt_file", params, 2, on_receipt, r);
}

static const char *const list_query[] = {"filed", "limit", "cursor", NULL};

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/receipts", .name = "createReceipt", .handler = create_receipt,
     .scope = "receipts:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/receipts", .name = "listReceipts", .handler = list_receipts,
     .query = list_query, .scope = "receipts:read"},
    {.method = "GET", .path = "/v1/departments/{dept}/receipts/{receipt_id}", .name = "getReceipt", .handler = get_receipt,
     .scope = "receipts:read"},
    {.method = "POST", .path = "/v1/departments/{dept}/receipts/{receipt_id}/file", .name = "fileReceipt",
     .handler = file_receipt, .scope = "receipts:write"},
};

const dft_route_table_t dft_receipts_routes = {routes, DFT_ARRAY_SIZE(routes)};
