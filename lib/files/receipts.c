/*
 * receipts.c — /v1/departments/{dept}/receipts: the inward register (dak).
 * Register a letter (Idempotency-Key), search the register and read what the
 * caller may see, mark a receipt on to an officer with copies (If-Match) and
 * read its track, put it into a file the caller holds; /inbox shows files and
 * receipts waiting with the caller side by side. Its document is uploaded and
 * read through documents.c. Who may see what: sql/dept/0006_receipts.sql,
 * 0025_dak_marking.sql and functions/receipts_policies.sql (row-level security).
 */
#include "files.h"
#include "../kit/kit.h"

#include "../auth/crypto.h"
#include "../auth/uid.h"
#include "../core/core.h"

#include <stdlib.h>
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

static const char *const statuses[] = {"registered", "marked", "filed", NULL};

/* The register, searched: diary number, sender, letter number and date, subject, dates received, mode, status. */
static void list_receipts(dft_req_t *r)
{
    dft_db_scope_t scope;
    char limit[8];
    const char *cursor, *filed, *status, *q, *number, *sender, *letter, *letter_date, *from, *to, *mode, *since;
    static const char *const filed_values[] = {"yes", "no", NULL};
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_req_limit(r, limit) != 0 || (cursor = dft_kit_cursor(r)) == NULL ||
        (filed = dft_kit_query_enum(r, "filed", filed_values, "")) == NULL ||
        (status = dft_kit_query_enum(r, "status", statuses, "")) == NULL || (q = dft_kit_query_text(r, "q")) == NULL ||
        (number = dft_kit_query_text(r, "number")) == NULL || (sender = dft_kit_query_text(r, "sender")) == NULL ||
        (letter = dft_kit_query_text(r, "letter_number")) == NULL ||
        dft_kit_query_date(r, "letter_date", &letter_date) != 0 || dft_kit_query_date(r, "from", &from) != 0 ||
        dft_kit_query_date(r, "to", &to) != 0 || (mode = dft_kit_query_enum(r, "mode", modes, "")) == NULL ||
        dft_kit_query_time(r, "updated_since", &since) != 0) /* delta sync: receipts_list.sql */
        return;
    const char *lim = h2o_strdup(&r->h2o->pool, limit, SIZE_MAX).base;
    if (*filed == '\0' && *status == '\0' && *q == '\0' && *number == '\0' && *sender == '\0' && *letter == '\0' &&
        *letter_date == '\0' && *from == '\0' && *to == '\0' && *mode == '\0' && *since == '\0') {
        /* the register unfiltered: receipts_all, a generic plan over index ranges from the cursor on */
        const char *page[3] = {NULL, NULL, lim};
        dft_kit_cursor_at(r, cursor, &page[0], &page[1]);
        dft_db_respond(r, &scope, DFT_DB_READ, "receipts_all", page, 3);
        return;
    }
    /* searched or a delta: receipts_list, the same sources of what the caller can see, the search on each row */
    const char *params[] = {filed, NULL, lim, status, q, number, sender, letter, letter_date, from, to, mode, since, NULL};
    dft_kit_cursor_at(r, cursor, &params[1], &params[13]);
    dft_db_respond(r, &scope, DFT_DB_READ, "receipts_list", params, 14);
}

static void reply_receipt(dft_req_t *r, int status, const dft_db_reply_t *reply)
{
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else if (reply->value == NULL)
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such receipt.");
    else
        dft_kit_respond_etag(r, status, reply);
}

static void on_receipt(void *ctx, const dft_db_reply_t *reply)
{
    reply_receipt(ctx, 200, reply);
}

/* A mark is a new movement of the receipt: 201. */
static void on_marked(void *ctx, const dft_db_reply_t *reply)
{
    reply_receipt(ctx, 201, reply);
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
    if (body == NULL || (file = dft_kit_body_uuid(r, body, "file_id")) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, file};
    dft_db_run(r, &scope, DFT_DB_WRITE, "receipt_file", params, 2, on_receipt, r);
}

/* Marks the receipt on: to (UID), copies (at most 20 UIDs, for information), remarks; If-Match its version. */
static void mark_receipt(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *version;
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "receipt_id", "No such receipt.", id) != 0 ||
        (version = dft_kit_if_match(r, "receipt", 1)) == NULL)
        return;
    static const char *const allowed[] = {"to", "copies", "remarks", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *to, *remarks;
    if (body == NULL || (to = dft_kit_body_uid(r, body, "to")) == NULL ||
        (remarks = dft_body_text(r, body, "remarks", 2000, 0)) == NULL)
        return;
    json_t *copies = json_object_get(body, "copies"), *uid;
    size_t i;
    if (copies != NULL && (!json_is_array(copies) || json_array_size(copies) > 20)) {
        dft_respond_field_error(r, "copies", "invalid", "copies is a list of at most 20 officers' UIDs.");
        return;
    }
    json_array_foreach(copies, i, uid)
    {
        if (!json_is_string(uid) || !dft_uid_valid(json_string_value(uid), json_string_length(uid))) {
            dft_respond_field_error(r, "copies", "check_digit", "Each copy goes to an officer's UID.");
            return;
        }
    }
    const char *list = "[]";
    if (copies != NULL) {
        char *dumped = json_dumps(copies, JSON_COMPACT);
        if (dumped == NULL) {
            dft_respond_code(r, DFT_E_INTERNAL, NULL);
            return;
        }
        list = h2o_strdup(&r->h2o->pool, dumped, SIZE_MAX).base;
        free(dumped);
    }
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, version, to, list, remarks};
    dft_db_run(r, &scope, DFT_DB_WRITE, "receipt_mark", params, 5, on_marked, r);
}

/* The receipt's track: every mark, with copies, from when until when. */
static void receipt_track(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "receipt_id", "No such receipt.", id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    /* read-write: reading a confidential receipt's track writes an audit event */
    dft_db_run(r, &scope, DFT_DB_WRITE, "receipt_movements", params, 1, on_receipt, r);
}

/* Files and receipts waiting with the caller, side by side. */
static void get_inbox(dft_req_t *r)
{
    dft_kit_list_page(r, "inbox");
}

static const char *const list_query[] = {"filed",       "status", "q",    "number", "sender", "letter_number",
                                         "letter_date", "from",   "to",   "mode",   "limit",  "cursor", "updated_since", NULL};
static const char *const inbox_query[] = {"limit", "cursor", NULL};

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/receipts", .name = "createReceipt", .handler = create_receipt,
     .scope = "receipts:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/receipts", .name = "listReceipts", .handler = list_receipts,
     .query = list_query, .scope = "receipts:read"},
    {.method = "GET", .path = "/v1/departments/{dept}/receipts/{receipt_id}", .name = "getReceipt", .handler = get_receipt,
     .scope = "receipts:read"},
    {.method = "POST", .path = "/v1/departments/{dept}/receipts/{receipt_id}/file", .name = "fileReceipt",
     .handler = file_receipt, .scope = "receipts:write"},
    {.method = "POST", .path = "/v1/departments/{dept}/receipts/{receipt_id}/movements", .name = "markReceipt",
     .handler = mark_receipt, .scope = "receipts:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/receipts/{receipt_id}/movements", .name = "listReceiptMovements",
     .handler = receipt_track, .scope = "receipts:read"},
    {.method = "GET", .path = "/v1/departments/{dept}/inbox", .name = "getInbox", .handler = get_inbox, .query = inbox_query,
     .scope = "files:read"},
};

const dft_route_table_t dft_receipts_routes = {routes, DFT_ARRAY_SIZE(routes)};
