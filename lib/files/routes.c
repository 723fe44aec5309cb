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

#include "../auth/auth.h"
#include "../auth/crypto.h"
#include "../auth/uid.h"
#include "../core/core.h"
#include "../db/db.h"
#include "../http/server.h"
#include "../http/worker.h"
#include "../tenant/tenant.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const classifications[] = {"unclassified", "restricted", "confidential", "secret", NULL};
static const char *const priorities[] = {"normal", "immediate", "most_immediate", NULL};
static const char *const statuses[] = {"open", "parked", "closed", NULL};
static const char *const boxes[] = {"inbox", "sent", "created", "all", NULL};
static const char *const actions[] = {"forward", "return", "recall", "park", "close", "reopen", NULL};

static int one_of(const char *const *set, const char *s, size_t len)
{
    for (; *set != NULL; ++set)
        if (strlen(*set) == len && memcmp(*set, s, len) == 0)
            return 1;
    return 0;
}

static int uuid_valid(const char *s, size_t len)
{
    if (len != 36)
        return 0;
    for (size_t i = 0; i < 36; ++i) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return 0;
        }
    }
    return 1;
}

/* The department of the path for a member; fills scope; 0, or -1 after responding. */
static int dept_scope(dft_req_t *r, dft_db_scope_t *scope)
{
    dft_code_t rc = dft_tenant_resolve(r, dft_req_param(r, "dept"), scope);
    if (rc == DFT_OK)
        return 0;
    dft_respond_code(r, rc, rc == DFT_E_NOT_FOUND ? "No department has this code." : NULL);
    return -1;
}

/* The UUID path parameter `name` as text in out[37]; a malformed id names nothing (404 `missing`). */
static int path_uuid(dft_req_t *r, const char *name, const char *missing, char out[37])
{
    const dft_str_t *id = dft_req_param(r, name);
    if (!uuid_valid(id->base, id->len)) {
        dft_respond_code(r, DFT_E_NOT_FOUND, missing);
        return -1;
    }
    memcpy(out, id->base, 36);
    out[36] = '\0';
    return 0;
}

static int file_id(dft_req_t *r, char out[37])
{
    return path_uuid(r, "file_id", "No such file.", out);
}

/* An optional member that must be one of set; `def` when absent; NULL after a 400. */
static const char *enum_field(dft_req_t *r, json_t *body, const char *name, const char *const *set, const char *def)
{
    json_t *v = json_object_get(body, name);
    if (v == NULL)
        return def;
    if (!json_is_string(v) || !one_of(set, json_string_value(v), json_string_length(v))) {
        dft_respond_field_error(r, name, "invalid", "This value is not one of those allowed.");
        return NULL;
    }
    return json_string_value(v);
}

/* Responds with column 0 and ETag "<column 1>". */
static void respond_with_etag(dft_req_t *r, int status, const dft_db_reply_t *reply)
{
    size_t vlen = 0;
    const char *version = dft_db_reply_field(reply, 1, &vlen);
    if (version != NULL && vlen < 12) {
        char etag[16];
        snprintf(etag, sizeof(etag), "\"%.*s\"", (int)vlen, version);
        dft_add_header(r, "etag", etag);
    }
    dft_respond_json(r, status, reply->value, reply->len);
}

/* ------------------------------------------------------------- create */

static void on_created(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK) {
        dft_respond_error(r, &reply->err);
        return;
    }
    json_t *j = reply->value ? json_loadb(reply->value, reply->len, 0, NULL) : NULL;
    json_t *file = json_object_get(j, "file");
    char *out = file ? json_dumps(file, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (out == NULL) {
        json_decref(j);
        dft_respond_code(r, DFT_E_INTERNAL, "file_create returned unusable data");
        return;
    }
    if (json_is_true(json_object_get(j, "replayed")))
        dft_add_header(r, "idempotent-replayed", "true");
    dft_db_reply_t shown = *reply;
    shown.value = out;
    shown.len = strlen(out);
    respond_with_etag(r, 201, &shown);
    free(out);
    json_decref(j);
}

static void create_file(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dept_scope(r, &scope) != 0)
        return;
    static const char *const allowed[] = {"subject", "category", "section", "classification", "priority", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *subject = dft_body_text(r, body, "subject", 500, 1), *category, *section, *classification, *priority;
    if (subject == NULL || (category = dft_body_text(r, body, "category", 100, 0)) == NULL ||
        (section = dft_body_string(r, body, "section", 16)) == NULL ||
        (classification = enum_field(r, body, "classification", classifications, "restricted")) == NULL ||
        (priority = enum_field(r, body, "priority", priorities, "normal")) == NULL)
        return;
    if (strspn(section, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != strlen(section) || section[0] == '-') {
        dft_respond_field_error(r, "section", "invalid", "section is 1-16 of A-Z, 0-9 and '-'.");
        return;
    }
    /* Idempotency-Key: a retry with the same key and body returns the first answer */
    const char *key = NULL;
    ssize_t i = h2o_find_header_by_str(&r->h2o->headers, H2O_STRLIT("idempotency-key"), -1);
    if (i >= 0) {
        h2o_iovec_t v = r->h2o->headers.entries[i].value;
        if (!dft_request_id_valid(v.base, v.len)) {
            dft_respond_field_error(r, "Idempotency-Key", "invalid", "Idempotency-Key is 1-64 of A-Za-z0-9._:-");
            return;
        }
        key = h2o_strdup(&r->h2o->pool, v.base, v.len).base;
    }
    char hash[65];
    dft_sha256_hex(r->h2o->entity.base, r->h2o->entity.len, hash);
    const char *params[] = {subject, category, section, classification, priority, key, hash};
    dft_db_run(r, &scope, DFT_DB_WRITE, "file_create", params, 7, on_created, r);
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
        respond_with_etag(r, 200, reply);
}

static void get_file(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dept_scope(r, &scope) != 0 || file_id(r, id) != 0)
        return;
    const char *params[] = {id};
    /* read-write: reading a confidential file writes an audit event */
    dft_db_run(r, &scope, DFT_DB_WRITE, "file_get", params, 1, on_file, r);
}

/* --------------------------------------------------------------- list */

static const char *query_enum(dft_req_t *r, const char *name, const char *const *set, const char *def)
{
    const dft_str_t *v = dft_req_query(r, name);
    if (v == NULL)
        return def;
    if (!one_of(set, v->base, v->len)) {
        dft_respond_field_error(r, name, "invalid", "This value is not one of those allowed.");
        return NULL;
    }
    return h2o_strdup(&r->h2o->pool, v->base, v->len).base;
}

static void list_files(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dept_scope(r, &scope) != 0)
        return;
    const char *box, *status, *priority;
    char limit[8];
    if ((box = query_enum(r, "box", boxes, "inbox")) == NULL || (status = query_enum(r, "status", statuses, "")) == NULL ||
        (priority = query_enum(r, "priority", priorities, "")) == NULL || dft_req_limit(r, limit) != 0)
        return;
    const dft_str_t *section = dft_req_query(r, "section"), *q = dft_req_query(r, "q"), *cursor = dft_req_query(r, "cursor");
    if (section != NULL && (section->len > 16 || strspn(section->base, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") < section->len ||
                            (section->len > 0 && section->base[0] == '-'))) {
        dft_respond_field_error(r, "section", "invalid", "section is 1-16 of A-Z, 0-9 and '-'.");
        return;
    }
    if (q != NULL && q->len > 200) {
        dft_respond_field_error(r, "q", "too_long", "Search for at most 200 bytes.");
        return;
    }
    if (cursor != NULL && cursor->len > 0) {
        const char *us = memchr(cursor->base, '_', cursor->len);
        size_t digits = us ? (size_t)(us - cursor->base) : 0;
        if (us == NULL || digits == 0 || digits > 19 || strspn(cursor->base, "0123456789") < digits ||
            !uuid_valid(us + 1, cursor->len - digits - 1)) {
            dft_respond_field_error(r, "cursor", "malformed", "cursor must be a next_cursor value from a previous page.");
            return;
        }
    }
    h2o_mem_pool_t *pool = &r->h2o->pool;
    const char *params[] = {box,
                            status,
                            priority,
                            section ? h2o_strdup(pool, section->base, section->len).base : "",
                            q ? h2o_strdup(pool, q->base, q->len).base : "",
                            cursor ? h2o_strdup(pool, cursor->base, cursor->len).base : "",
                            limit};
    dft_db_respond(r, &scope, DFT_DB_READ, "files_list", params, 7);
}

/* ---------------------------------------------------------- movements */

static void on_moved(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else
        respond_with_etag(r, 201, reply);
}

static void move_file(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dept_scope(r, &scope) != 0 || file_id(r, id) != 0)
        return;
    ssize_t i = h2o_find_header(&r->h2o->headers, H2O_TOKEN_IF_MATCH, -1);
    if (i < 0) {
        dft_respond_code(r, DFT_E_PRECONDITION_REQUIRED, "Send If-Match with the file's ETag.");
        return;
    }
    h2o_iovec_t m = r->h2o->headers.entries[i].value;
    int64_t version;
    if (m.len < 3 || m.base[0] != '"' || m.base[m.len - 1] != '"' ||
        dft_parse_int64(m.base + 1, m.len - 2, 1, INT32_MAX, &version) != 0) {
        dft_respond_code(r, DFT_E_PRECONDITION_FAILED, "If-Match does not name a version of this file.");
        return;
    }
    static const char *const allowed[] = {"action", "to", "remarks", "due_date", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *action = enum_field(r, body, "action", actions, NULL), *remarks, *to = NULL, *due = NULL;
    if (action == NULL) {
        if (!r->responded)
            dft_respond_field_error(r, "action", "required", "action is required.");
        return;
    }
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
    if (json_object_get(body, "due_date") != NULL) {
        if ((due = dft_body_string(r, body, "due_date", 10)) == NULL)
            return;
        if (strlen(due) != 10 || due[4] != '-' || due[7] != '-' || strspn(due, "0123456789-") != 10) {
            dft_respond_field_error(r, "due_date", "invalid", "due_date is YYYY-MM-DD.");
            return;
        }
    }
    char v[16];
    snprintf(v, sizeof(v), "%lld", (long long)version);
    const char *params[] = {id, h2o_strdup(&r->h2o->pool, v, SIZE_MAX).base, action, to, remarks, due};
    dft_db_run(r, &scope, DFT_DB_WRITE, "file_move", params, 6, on_moved, r);
}

static void list_movements(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dept_scope(r, &scope) != 0 || file_id(r, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "file_movements", params, 1);
}

/* -------------------------------------------------------------- notes */

static void list_notes(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dept_scope(r, &scope) != 0 || file_id(r, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "notes_list", params, 1);
}

static void verify_notes(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dept_scope(r, &scope) != 0 || file_id(r, id) != 0)
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
    if (dept_scope(r, &scope) != 0 || file_id(r, id) != 0 || (text = note_body(r)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, text};
    dft_db_run(r, &scope, DFT_DB_WRITE, "note_add", params, 2, on_note, r);
}

/* {n} of the path as text; a malformed number is a note nobody has (404). */
static const char *note_number(dft_req_t *r)
{
    const dft_str_t *n = dft_req_param(r, "n");
    int64_t v;
    if (dft_parse_int64(n->base, n->len, 1, 1000000, &v) != 0) {
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such note.");
        return NULL;
    }
    return h2o_strdup(&r->h2o->pool, n->base, n->len).base;
}

static void edit_note(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *n, *text;
    if (dept_scope(r, &scope) != 0 || file_id(r, id) != 0 || (n = note_number(r)) == NULL || (text = note_body(r)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, n, text};
    dft_db_run(r, &scope, DFT_DB_WRITE, "note_edit", params, 3, on_note, r);
}

static void delete_note(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *n;
    if (dept_scope(r, &scope) != 0 || file_id(r, id) != 0 || (n = note_number(r)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, n, NULL};
    dft_db_run(r, &scope, DFT_DB_WRITE, "note_edit", params, 3, on_note, r);
}

/* ---------------------------------------------------------- documents */

static const struct {
    const char *type, *magic;
    size_t len;
} doc_types[] = {
    {"application/pdf", "%PDF-", 5},
    {"image/png", "\x89PNG\r\n\x1a\n", 8},
    {"image/jpeg", "\xff\xd8\xff", 3},
};

/* An upload in flight: the body is copied (the worker must not read request memory the
 * client may take away), hashed and, for confidential files, encrypted on a worker. */
typedef struct upload_t {
    dft_task_t task; /* first */
    dft_req_t *req;  /* NULL once the client has gone */
    dft_db_scope_t scope; /* points at role below: the registry may be replaced between steps */
    char role[40], file[37], dept[32], sha256[65], size[24];
    const char *type;
    char *filename;
    unsigned char *body;
    size_t len;
    int encrypt;
    dft_buf_t sealed;
} upload_t;

static void upload_free(upload_t *u)
{
    if (u->req != NULL && u->req->pending == u)
        u->req->pending = NULL;
    if (u->body != NULL)
        dft_wipe(u->body, u->len);
    free(u->body);
    free(u->filename);
    dft_buf_dispose(&u->sealed);
    free(u);
}

static void upload_detach(void *p)
{
    ((upload_t *)p)->req = NULL;
}

static void on_document_added(void *ctx, const dft_db_reply_t *reply)
{
    upload_t *u = ctx;
    dft_req_t *r = u->req;
    if (r != NULL) {
        if (reply->err.code != DFT_OK) {
            dft_respond_error(r, &reply->err);
        } else {
            char etag[70];
            snprintf(etag, sizeof(etag), "\"%s\"", u->sha256);
            dft_add_header(r, "etag", etag);
            dft_respond_json(r, 201, reply->value, reply->len);
        }
    }
    upload_free(u);
}

static void run_digest(dft_task_t *task)
{
    upload_t *u = (upload_t *)task;
    dft_sha256_hex(u->body, u->len, u->sha256);
    if (u->encrypt) {
        unsigned char key[32];
        if (dft_auth_document_key(u->dept, key) == 0)
            dft_seal(key, u->body, u->len, &u->sealed);
        dft_wipe(key, sizeof(key));
    }
}

static void on_digested(dft_task_t *task)
{
    upload_t *u = (upload_t *)task;
    dft_req_t *r = u->req;
    if (r == NULL) {
        upload_free(u);
        return;
    }
    if (u->encrypt && u->sealed.len == 0) {
        dft_respond_code(r, DFT_E_UNAVAILABLE, "Confidential documents cannot be stored on this server now.");
        upload_free(u);
        return;
    }
    snprintf(u->size, sizeof(u->size), "%zu", u->len);
    dft_db_blob_t blob = {6, u->encrypt ? (const void *)u->sealed.data : u->body, u->encrypt ? u->sealed.len : u->len};
    const char *params[] = {u->file, u->filename, u->type, u->size, u->sha256, u->encrypt ? "true" : "false", NULL};
    dft_db_run_ext(r, 0, &u->scope, DFT_DB_WRITE, "document_add", params, 7, &blob, 0, on_document_added, u);
}

static void on_classified(void *ctx, const dft_db_reply_t *reply)
{
    upload_t *u = ctx;
    dft_req_t *r = u->req;
    if (r == NULL) {
        upload_free(u);
        return;
    }
    if (reply->err.code != DFT_OK || reply->value == NULL) {
        if (reply->err.code != DFT_OK)
            dft_respond_error(r, &reply->err);
        else
            dft_respond_code(r, DFT_E_NOT_FOUND, "No such file.");
        upload_free(u);
        return;
    }
    u->encrypt = strcmp(reply->value, "confidential") == 0 || strcmp(reply->value, "secret") == 0;
    u->task.run = run_digest;
    u->task.done = on_digested;
    if (dft_worker_submit(r->thread, &u->task) != 0) {
        dft_error_t busy = {.code = DFT_E_UNAVAILABLE, .detail = "Too busy; retry shortly.", .retry_after = 2};
        dft_respond_error(r, &busy);
        upload_free(u);
    }
}

/* A filename to keep: 1..200 bytes, no path, no control characters. */
static int filename_valid(const char *s, size_t len)
{
    if (len == 0 || len > 200 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
        return 0;
    for (size_t i = 0; i < len; ++i)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f || s[i] == '/' || s[i] == '\\' || s[i] == '"')
            return 0;
    return 1;
}

static void upload_document(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dept_scope(r, &scope) != 0 || file_id(r, id) != 0)
        return;
    h2o_req_t *req = r->h2o;
    ssize_t ct = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
    size_t ti = 0;
    while (ti < DFT_ARRAY_SIZE(doc_types) &&
           !(ct >= 0 && h2o_memis(req->headers.entries[ct].value.base, req->headers.entries[ct].value.len, doc_types[ti].type,
                                  strlen(doc_types[ti].type))))
        ++ti;
    if (ti == DFT_ARRAY_SIZE(doc_types)) {
        dft_respond_code(r, DFT_E_UNSUPPORTED_MEDIA, "Send a PDF, PNG or JPEG with its Content-Type.");
        return;
    }
    const dft_str_t *name = dft_req_query(r, "filename");
    if (name == NULL || !filename_valid(name->base, name->len)) {
        dft_respond_field_error(r, "filename", "invalid", "filename is required: 1-200 characters, no path.");
        return;
    }
    if (req->entity.len < doc_types[ti].len || memcmp(req->entity.base, doc_types[ti].magic, doc_types[ti].len) != 0) {
        dft_respond_code(r, DFT_E_UNSUPPORTED_MEDIA, "The content is not what its Content-Type says.");
        return;
    }
    upload_t *u = dft_calloc(1, sizeof(*u));
    u->req = r;
    snprintf(u->role, sizeof(u->role), "%s", scope.role);
    u->scope = (dft_db_scope_t){.dept_id = scope.dept_id, .role = u->role, .schema = u->role};
    memcpy(u->file, id, sizeof(u->file));
    snprintf(u->dept, sizeof(u->dept), "%s", scope.role + 5); /* dept_<code> */
    u->type = doc_types[ti].type;
    u->filename = dft_strndup(name->base, name->len);
    u->len = req->entity.len;
    u->body = dft_malloc(u->len);
    memcpy(u->body, req->entity.base, u->len);
    r->pending = u;
    r->detach = upload_detach;
    const char *params[] = {u->file};
    dft_db_run_for(r, &u->scope, DFT_DB_WRITE, "document_classification", params, 1, on_classified, u);
}

static void on_document(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK) {
        dft_respond_error(r, &reply->err);
        return;
    }
    size_t clen = 0, tlen = 0, nlen = 0, hlen = 0, elen = 0;
    const char *content = dft_db_reply_field(reply, 0, &clen), *type = dft_db_reply_field(reply, 1, &tlen);
    const char *name = dft_db_reply_field(reply, 2, &nlen), *sha = dft_db_reply_field(reply, 3, &hlen);
    const char *enc = dft_db_reply_field(reply, 4, &elen);
    if (content == NULL || type == NULL || name == NULL || sha == NULL || enc == NULL) {
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such document.");
        return;
    }
    h2o_iovec_t body;
    if (elen == 4 && memcmp(enc, "true", 4) == 0) {
        unsigned char key[32];
        dft_buf_t plain = {0};
        const dft_str_t *dept = dft_req_param(r, "dept");
        char code[32];
        snprintf(code, sizeof(code), "%.*s", (int)dept->len, dept->base);
        int ok = dft_auth_document_key(code, key) == 0 && dft_open(key, (const unsigned char *)content, clen, &plain) == 0;
        dft_wipe(key, sizeof(key));
        if (!ok) {
            dft_buf_dispose(&plain);
            dft_respond_code(r, DFT_E_INTERNAL, "document does not decrypt with this server's key");
            return;
        }
        body = h2o_strdup(&r->h2o->pool, plain.data, plain.len);
        dft_wipe(plain.data, plain.len);
        dft_buf_dispose(&plain);
    } else {
        body = h2o_strdup(&r->h2o->pool, content, clen);
    }
    char etag[70], disposition[700];
    snprintf(etag, sizeof(etag), "\"%.*s\"", (int)hlen, sha);
    dft_add_header(r, "etag", etag);
    /* RFC 6266 / 8187: the name percent-encoded as UTF-8 */
    size_t k = (size_t)snprintf(disposition, sizeof(disposition), "attachment; filename*=UTF-8''");
    for (size_t i = 0; i < nlen && k + 4 < sizeof(disposition); ++i) {
        unsigned char c = (unsigned char)name[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')
            disposition[k++] = (char)c;
        else
            k += (size_t)snprintf(disposition + k, sizeof(disposition) - k, "%%%02X", c);
    }
    disposition[k] = '\0';
    dft_add_header(r, "content-disposition", disposition);
    dft_respond(r, 200, h2o_strdup(&r->h2o->pool, type, tlen).base, body);
}

static void get_document(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37], doc[37];
    if (dept_scope(r, &scope) != 0 || file_id(r, id) != 0 || path_uuid(r, "doc_id", "No such document.", doc) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, h2o_strdup(&r->h2o->pool, doc, 36).base};
    /* read-write: reading a confidential document writes an audit event */
    dft_db_run_ext(r, 1, &scope, DFT_DB_WRITE, "document_get", params, 2, NULL, 1, on_document, r);
}

static void list_documents(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dept_scope(r, &scope) != 0 || file_id(r, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "documents_list", params, 1);
}

/* ------------------------------------------------------------ reports */

static void get_pendency(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dept_scope(r, &scope) != 0)
        return;
    dft_db_respond(r, &scope, DFT_DB_READ, "pendency", NULL, 0);
}

static const char *const upload_query[] = {"filename", NULL};
static const char *const list_query[] = {"box", "status", "priority", "section", "q", "limit", "cursor", NULL};

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/files", .name = "createFile", .handler = create_file},
    {.method = "GET", .path = "/v1/departments/{dept}/files", .name = "listFiles", .handler = list_files, .query = list_query},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}", .name = "getFile", .handler = get_file},
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/movements", .name = "moveFile", .handler = move_file},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/movements", .name = "listMovements",
     .handler = list_movements},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/notes", .name = "listNotes", .handler = list_notes},
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/notes", .name = "addNote", .handler = add_note},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/notes/verify", .name = "verifyNotes",
     .handler = verify_notes},
    {.method = "PATCH", .path = "/v1/departments/{dept}/files/{file_id}/notes/{n}", .name = "editNote", .handler = edit_note},
    {.method = "DELETE", .path = "/v1/departments/{dept}/files/{file_id}/notes/{n}", .name = "deleteNote",
     .handler = delete_note},
    {.method = "GET", .path = "/v1/departments/{dept}/reports/pendency", .name = "getPendency", .handler = get_pendency},
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/documents", .name = "uploadDocument",
     .handler = upload_document, .query = upload_query, .flags = DFT_ROUTE_UPLOAD},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/documents", .name = "listDocuments",
     .handler = list_documents},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/documents/{doc_id}", .name = "getDocument",
     .handler = get_document},
};

const dft_route_table_t dft_files_routes = {routes, DFT_ARRAY_SIZE(routes)};
