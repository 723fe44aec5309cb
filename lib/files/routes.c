/*
 * routes.c — /v1/departments/{dept}/files: create (Idempotency-Key), read
 * (ETag), list (boxes, filters, Hindi-capable search, cursor), movements
 * (If-Match required) and the track.
 *
 * Handlers validate and shape input; the database functions apply the rules
 * and return JSON. Versions are ETags ("<version>"); a movement with a stale
 * one is 412, without one 428.
 */
#include "files.h"
#include "../kit/kit.h"

#include "../auth/auth.h"
#include "../auth/crypto.h"
#include "../auth/uid.h"
#include "../core/core.h"
#include "../db/db.h"
#include "../http/server.h"
#include "../tenant/tenant.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const classifications[] = {"unclassified", "restricted", "confidential", "secret", NULL};
static const char *const priorities[] = {"normal", "immediate", "most_immediate", NULL};
static const char *const statuses[] = {"open", "parked", "closed", NULL};
static const char *const boxes[] = {"inbox", "sent", "created", "all", NULL};
static const char *const actions[] = {"forward", "return", "recall", "park",    "close",
                                      "reopen",  "approve", "reject", NULL};

static int file_id(dft_req_t *r, char out[37])
{
    return dft_kit_path_uuid(r, "file_id", "No such file.", out);
}

/* ------------------------------------------------------------- create */

static void create_file(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_dept_scope(r, &scope) != 0)
        return;
    static const char *const allowed[] = {"subject", "category", "section", "classification", "priority", "head_id", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *subject = dft_body_text(r, body, "subject", 500, 1), *category, *section, *classification, *priority;
    if (subject == NULL || (category = dft_body_text(r, body, "category", 100, 0)) == NULL ||
        (section = dft_body_string(r, body, "section", 16)) == NULL ||
        (classification = dft_kit_body_enum(r, body, "classification", classifications, "restricted")) == NULL ||
        (priority = dft_kit_body_enum(r, body, "priority", priorities, "normal")) == NULL)
        return;
    if (strspn(section, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != strlen(section) || section[0] == '-') {
        dft_respond_field_error(r, "section", "invalid", "section is 1-16 of A-Z, 0-9 and '-'.");
        return;
    }
    const char *key, *head = NULL;
    if (json_object_get(body, "head_id") != NULL && (head = dft_kit_body_uuid(r, body, "head_id")) == NULL)
        return;
    if (dft_kit_idempotency_key(r, &key) != 0)
        return;
    char hash[65];
    dft_sha256_hex(r->h2o->entity.base, r->h2o->entity.len, hash);
    const char *params[] = {subject, category, section, classification, priority, key, hash, head};
    dft_db_run(r, &scope, DFT_DB_WRITE, "file_create", params, 8, dft_kit_on_created, r);
}

/* --------------------------------------------------------------- read */

static void on_file(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else if (reply->value == NULL)
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such file.");
    else
        dft_kit_respond_etag(r, 200, reply);
}

static void get_file(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || file_id(r, id) != 0)
        return;
    const char *params[] = {id};
    /* read-write: reading a confidential file writes an audit event */
    dft_db_run(r, &scope, DFT_DB_WRITE, "file_get", params, 1, on_file, r);
}

/* --------------------------------------------------------------- list */

/* The inbox, the sent box or the all box without filters: files_inbox, files_sent or files_all (`query`), a
 * generic plan over index ranges from the cursor on (sql/queries/files_inbox.sql, files_sent.sql, files_all.sql),
 * given the cursor's time and id (dft_kit_cursor_at). */
static void box_page(dft_req_t *r, const dft_db_scope_t *scope, const char *query, const char *cursor, const char *limit)
{
    const char *params[3] = {NULL, NULL, limit};
    dft_kit_cursor_at(r, cursor, &params[0], &params[1]);
    dft_db_respond(r, scope, DFT_DB_READ, query, params, 3);
}

static void list_files(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_dept_scope(r, &scope) != 0)
        return;
    const char *box, *status, *priority;
    char limit[8];
    /* a search looks in all the caller may see unless a box is named (a file they forwarded too) */
    if ((box = dft_kit_query_enum(r, "box", boxes, dft_req_query(r, "q") != NULL ? "all" : "inbox")) == NULL ||
        (status = dft_kit_query_enum(r, "status", statuses, "")) == NULL ||
        (priority = dft_kit_query_enum(r, "priority", priorities, "")) == NULL || dft_req_limit(r, limit) != 0)
        return;
    const dft_str_t *section = dft_req_query(r, "section"), *q = dft_req_query(r, "q");
    const char *cursor;
    if (section != NULL && (section->len > 16 || strspn(section->base, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") < section->len ||
                            (section->len > 0 && section->base[0] == '-'))) {
        dft_respond_field_error(r, "section", "invalid", "section is 1-16 of A-Z, 0-9 and '-'.");
        return;
    }
    if (q != NULL && q->len > 200) {
        dft_respond_field_error(r, "q", "too_long", "Search for at most 200 bytes.");
        return;
    }
    if ((cursor = dft_kit_cursor(r)) == NULL)
        return;
    const dft_str_t *holder = dft_req_query(r, "holder");
    if (holder != NULL && !dft_uid_valid(holder->base, holder->len)) {
        dft_respond_field_error(r, "holder", "check_digit", "holder is an officer's UID.");
        return;
    }
    const char *since; /* delta sync: only files changed after it, and `removed` (sql/queries/files_list.sql) */
    if (dft_kit_query_time(r, "updated_since", &since) != 0)
        return;
    h2o_mem_pool_t *pool = &r->h2o->pool;
    if (strcmp(box, "created") != 0 && *status == '\0' && *priority == '\0' && (section == NULL || section->len == 0) &&
        q == NULL && holder == NULL && *since == '\0') {
        box_page(r, &scope, strcmp(box, "inbox") == 0 ? "files_inbox" : strcmp(box, "sent") == 0 ? "files_sent" : "files_all",
                 cursor, limit);
        return;
    }
    const char *params[] = {box,
                            status,
                            priority,
                            section ? h2o_strdup(pool, section->base, section->len).base : "",
                            q ? h2o_strdup(pool, q->base, q->len).base : "",
                            cursor,
                            limit,
                            holder ? h2o_strdup(pool, holder->base, holder->len).base : "",
                            since};
    dft_db_respond(r, &scope, DFT_DB_READ, "files_list", params, 9);
}

/* ---------------------------------------------------------- movements */

static void on_moved(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else
        dft_kit_respond_etag(r, 201, reply);
}

static void move_file(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || file_id(r, id) != 0)
        return;
    const char *version;
    if ((version = dft_kit_if_match(r, "file", 1)) == NULL)
        return;
    static const char *const allowed[] = {"action", "to", "remarks", "due_date", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *action = dft_kit_body_enum(r, body, "action", actions, NULL), *remarks, *to = NULL, *due = NULL;
    if (action == NULL)
        return;
    if ((remarks = dft_body_text(r, body, "remarks", 2000, 0)) == NULL)
        return;
    if (json_object_get(body, "to") != NULL) {
        if ((to = dft_body_string(r, body, "to", 16)) == NULL)
            return;
        if (!dft_uid_valid(to, strlen(to))) {
            dft_respond_field_error(r, "to", "check_digit", "This is not a valid UID.");
            return;
        }
    }
    if (strcmp(action, "forward") == 0 && to == NULL) {
        dft_respond_field_error(r, "to", "required", "Forward needs the receiving officer's UID.");
        return;
    }
    if (dft_kit_body_date(r, body, "due_date", &due) != 0)
        return;
    if (strcmp(action, "approve") == 0 || strcmp(action, "reject") == 0) {
        const char *params[] = {id, version, action, remarks};
        dft_db_run(r, &scope, DFT_DB_WRITE, "file_decide", params, 4, on_moved, r);
    } else {
        const char *params[] = {id, version, action, to, remarks, due};
        dft_db_run(r, &scope, DFT_DB_WRITE, "file_move", params, 6, on_moved, r);
    }
}

/* The holder edits subject, category or priority; If-Match as for movements. */
static void update_file(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *version;
    if (dft_kit_dept_scope(r, &scope) != 0 || file_id(r, id) != 0 || (version = dft_kit_if_match(r, "file", 1)) == NULL)
        return;
    static const char *const allowed[] = {"subject", "category", "priority", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *subject = NULL, *category = NULL, *priority = NULL;
    if ((json_object_get(body, "subject") != NULL && (subject = dft_body_text(r, body, "subject", 500, 1)) == NULL) ||
        (json_object_get(body, "category") != NULL && (category = dft_body_text(r, body, "category", 100, 0)) == NULL) ||
        (json_object_get(body, "priority") != NULL &&
         (priority = dft_kit_body_enum(r, body, "priority", priorities, NULL)) == NULL))
        return;
    if (json_object_size(body) == 0) {
        dft_respond_field_error(r, "subject", "required", "Send at least one of subject, category, priority.");
        return;
    }
    const char *params[] = {id, version, subject, category, priority};
    dft_db_run(r, &scope, DFT_DB_WRITE, "file_update", params, 5, dft_kit_on_etag, r);
}

static void list_movements(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    char limit[8], after[12];
    if (dft_kit_dept_scope(r, &scope) != 0 || file_id(r, id) != 0 || dft_kit_numbered_page(r, limit, after) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, after, limit};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "file_movements", params, 3); /* audits */
}

/* -------------------------------------------------------------- notes */

static void list_notes(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    char limit[8], after[12];
    if (dft_kit_dept_scope(r, &scope) != 0 || file_id(r, id) != 0 || dft_kit_numbered_page(r, limit, after) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, after, limit};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "notes_list", params, 3); /* audits */
}

static void verify_notes(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || file_id(r, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "notes_verify", params, 1);
}

static void on_note(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else
        dft_respond_json(r, strcmp(r->route->method, "POST") == 0 ? 201 : 200, reply->value, reply->len);
}

/* The note text of the body: 1..20000 bytes. */
static const char *note_body(dft_req_t *r)
{
    static const char *const allowed[] = {"body", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    return body != NULL ? dft_body_text(r, body, "body", 20000, 1) : NULL;
}

static void add_note(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *text;
    const char *key;
    if (dft_kit_dept_scope(r, &scope) != 0 || file_id(r, id) != 0 || (text = note_body(r)) == NULL ||
        dft_kit_idempotency_key(r, &key) != 0)
        return;
    char hash[65]; /* the same key with the same text for another file is another request */
    dft_kit_request_hash(r, hash);
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, text, key, h2o_strdup(&r->h2o->pool, hash, 64).base};
    dft_db_run(r, &scope, DFT_DB_WRITE, "note_add", params, 4, dft_kit_on_created, r);
}

static void edit_note(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *n, *text;
    if (dft_kit_dept_scope(r, &scope) != 0 || file_id(r, id) != 0 ||
        (n = dft_kit_path_number(r, "n", 1000000, "No such note.")) == NULL || (text = note_body(r)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, n, text};
    dft_db_run(r, &scope, DFT_DB_WRITE, "note_edit", params, 3, on_note, r);
}

static void delete_note(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *n;
    if (dft_kit_dept_scope(r, &scope) != 0 || file_id(r, id) != 0 ||
        (n = dft_kit_path_number(r, "n", 1000000, "No such note.")) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, n, NULL};
    dft_db_run(r, &scope, DFT_DB_WRITE, "note_edit", params, 3, on_note, r);
}

/* ------------------------------------------------------------ reports */

static const char *const yes_no[] = {"true", "false", NULL};

static void get_pendency(dft_req_t *r)
{
    dft_db_scope_t scope;
    const char *overdue;
    if (dft_kit_dept_scope(r, &scope) != 0 || (overdue = dft_kit_query_enum(r, "overdue", yes_no, "false")) == NULL)
        return;
    dft_db_respond(r, &scope, DFT_DB_READ, strcmp(overdue, "true") == 0 ? "pendency_overdue" : "pendency", NULL, 0);
}

static const char *const pendency_query[] = {"overdue", NULL};

static const char *const list_query[] = {"box", "status", "priority", "section", "holder", "q", "limit", "cursor",
                                        "updated_since", NULL};

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/files", .name = "createFile", .handler = create_file,
     .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/files", .name = "listFiles", .handler = list_files, .query = list_query,
     .scope = "files:read"},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}", .name = "getFile", .handler = get_file,
     .scope = "files:read"},
    {.method = "PATCH", .path = "/v1/departments/{dept}/files/{file_id}", .name = "updateFile", .handler = update_file,
     .scope = "files:write"},
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/movements", .name = "moveFile", .handler = move_file,
     .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/movements", .name = "listMovements",
     .handler = list_movements, .query = dft_kit_page_query, .scope = "files:read"},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/notes", .name = "listNotes", .handler = list_notes,
     .query = dft_kit_page_query, .scope = "files:read"},
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/notes", .name = "addNote", .handler = add_note,
     .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/notes/verify", .name = "verifyNotes",
     .handler = verify_notes, .scope = "files:read"},
    {.method = "PATCH", .path = "/v1/departments/{dept}/files/{file_id}/notes/{n}", .name = "editNote", .handler = edit_note,
     .scope = "files:write"},
    {.method = "DELETE", .path = "/v1/departments/{dept}/files/{file_id}/notes/{n}", .name = "deleteNote",
     .handler = delete_note, .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/reports/pendency", .name = "getPendency", .handler = get_pendency,
     .query = pendency_query, .scope = "files:read"},
};

const dft_route_table_t dft_files_routes = {routes, DFT_ARRAY_SIZE(routes)};
