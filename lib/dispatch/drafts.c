/*
 * drafts.c — /v1/departments/{dept}/files/{file_id}/drafts: letters drafted
 * on a file (DFA, draft for approval). The holder drafts (Idempotency-Key);
 * the author edits while holding the file (If-Match: a new version, which
 * voids any approval) and may upload the letter as a PDF; the holder with
 * the approving role approves a version (If-Match), optionally with a
 * detached CMS signature over its hash (the kit's signed writes). Whoever
 * may see the file sees its drafts; outsiders get 404.
 *
 * Here only the shape of input is checked (members, types, lengths, the
 * form of codes and e-mail addresses); what depends on data (a department
 * that exists, an e-mail for e-mail mode, enclosures of this file) is the
 * database's (functions/draft_addressees.sql, draft_enclosures.sql).
 */
#include "dispatch.h"
#include "../kit/kit.h"

#include "../auth/crypto.h"
#include "../core/core.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ADDRESSEES 50
#define MAX_SIGNATURE_B64 65536

static const char *const modes[] = {"post", "hand", "email", "department", NULL};

/* ------------------------------------------------------------- input */

/* An e-mail address of 3-254 bytes: local@domain, dot-atom characters only (no spaces, quotes, line
 * breaks: nothing that could end a mail header), a domain of labels with at least one dot. */
static int email_valid(const char *s)
{
    size_t len = strlen(s);
    const char *at = strchr(s, '@');
    if (len < 3 || len > 254 || at == NULL || at == s || strchr(at + 1, '@') != NULL || at - s > 64)
        return 0;
    for (const char *p = s; p < at; ++p)
        if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?^_`{|}~-", *p) == NULL)
            return 0;
    const char *d = at + 1;
    if (*d == '\0' || *d == '.' || *d == '-' || d[strlen(d) - 1] == '.' || strchr(d, '.') == NULL || strstr(d, "..") != NULL)
        return 0;
    return strspn(d, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == strlen(d);
}

/* A department code as the registry has them: [a-z][a-z0-9_]{1,30}. */
static int code_valid(const char *s)
{
    size_t len = strlen(s);
    return len >= 2 && len <= 31 && s[0] >= 'a' && s[0] <= 'z' && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == len;
}

/* One addressee: an outside one (name, address, email, mode) or a department (department, section,
 * designation, mode); 0, or -1 after a 400. */
static int addressee_valid(dft_req_t *r, json_t *a)
{
    static const char *const outside[] = {"name", "address", "email", "mode", NULL};
    static const char *const dept[] = {"department", "section", "designation", "mode", NULL};
    if (!json_is_object(a)) {
        dft_respond_field_error(r, "addressees", "invalid", "Each addressee is an object.");
        return -1;
    }
    const char *v;
    if (json_object_get(a, "department") != NULL) {
        if (dft_body_only_fields(r, a, dept) != 0 || (v = dft_body_string(r, a, "department", 31)) == NULL)
            return -1;
        if (!code_valid(v)) {
            dft_respond_field_error(r, "department", "invalid", "department is a department's code.");
            return -1;
        }
        if (dft_body_text(r, a, "section", 100, 0) == NULL || dft_body_text(r, a, "designation", 200, 0) == NULL)
            return -1;
    } else {
        if (dft_body_only_fields(r, a, outside) != 0 || dft_body_text(r, a, "name", 200, 1) == NULL ||
            dft_body_text(r, a, "address", 500, 0) == NULL || (v = dft_body_optional_string(r, a, "email", 254)) == NULL)
            return -1;
        if (*v != '\0' && !email_valid(v)) {
            dft_respond_field_error(r, "email", "invalid", "email is an e-mail address (name@domain).");
            return -1;
        }
    }
    return dft_kit_body_enum(r, a, "mode", modes, "") == NULL ? -1 : 0;
}

/* The JSON text of list member `name`: absent -> `absent`; else an array of `min`..max items, each
 * checked by `item`; NULL after a 400. */
static const char *list_member(dft_req_t *r, json_t *body, const char *name, size_t min, size_t max,
                               int (*item)(dft_req_t *, json_t *), const char *absent)
{
    json_t *v = json_object_get(body, name), *x;
    size_t i;
    if (v == NULL) {
        if (absent == NULL)
            dft_respond_field_error(r, name, "required", "This member is required.");
        return absent;
    }
    if (!json_is_array(v) || json_array_size(v) < min || json_array_size(v) > max) {
        dft_respond_field_error(r, name, "invalid", min ? "A list of 1 to 50 items." : "A list of at most 50 items.");
        return NULL;
    }
    json_array_foreach(v, i, x) {
        if (item(r, x) != 0)
            return NULL;
    }
    char *text = json_dumps(v, JSON_COMPACT);
    const char *out = h2o_strdup(&r->h2o->pool, text, SIZE_MAX).base;
    free(text);
    return out;
}

static int enclosure_valid(dft_req_t *r, json_t *x)
{
    if (json_is_string(x) && dft_uuid_valid(json_string_value(x), json_string_length(x)))
        return 0;
    dft_respond_field_error(r, "enclosures", "invalid", "enclosures are ids of the file's documents.");
    return -1;
}

/* The members of a draft; `create` requires subject and addressees, an edit takes any (absent: NULL). */
typedef struct draft_input_t {
    const char *subject, *body, *addressees, *copies, *enclosures;
} draft_input_t;

static int draft_input(dft_req_t *r, int create, draft_input_t *in)
{
    static const char *const allowed[] = {"subject", "body", "addressees", "copies_to", "enclosures", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return -1;
    if (!create && json_object_size(body) == 0) {
        dft_respond_field_error(r, "subject", "required", "Send at least one member to change.");
        return -1;
    }
    *in = (draft_input_t){0};
    if ((create || json_object_get(body, "subject") != NULL) && (in->subject = dft_body_text(r, body, "subject", 500, 1)) == NULL)
        return -1;
    if ((create || json_object_get(body, "body") != NULL) && (in->body = dft_body_text(r, body, "body", 50000, 0)) == NULL)
        return -1;
    const char *none = create ? "[]" : ""; /* absent members: none on a new draft, unchanged by an edit */
    if ((in->addressees = list_member(r, body, "addressees", 1, MAX_ADDRESSEES, addressee_valid, create ? NULL : "")) == NULL ||
        (in->copies = list_member(r, body, "copies_to", 0, MAX_ADDRESSEES, addressee_valid, none)) == NULL ||
        (in->enclosures = list_member(r, body, "enclosures", 0, MAX_ADDRESSEES, enclosure_valid, none)) == NULL)
        return -1;
    if (!create) { /* "" (absent) is NULL to the statement: unchanged */
        in->addressees = *in->addressees ? in->addressees : NULL;
        in->copies = *in->copies ? in->copies : NULL;
        in->enclosures = *in->enclosures ? in->enclosures : NULL;
    }
    return 0;
}

/* ------------------------------------------------------------ routes */

static int ids(dft_req_t *r, dft_db_scope_t *scope, char file[37], char draft[37])
{
    return dft_kit_dept_scope(r, scope) != 0 || dft_kit_path_uuid(r, "file_id", "No such file.", file) != 0 ||
                   (draft != NULL && dft_kit_path_uuid(r, "draft_id", "No such draft.", draft) != 0)
               ? -1
               : 0;
}

static void create_draft(dft_req_t *r)
{
    dft_db_scope_t scope;
    char file[37];
    draft_input_t in;
    const char *key;
    if (ids(r, &scope, file, NULL) != 0 || draft_input(r, 1, &in) != 0 || dft_kit_idempotency_key(r, &key) != 0)
        return;
    char hash[65];
    dft_sha256_hex(r->h2o->entity.base, r->h2o->entity.len, hash);
    const char *params[] = {h2o_strdup(&r->h2o->pool, file, 36).base, in.subject, in.body, in.addressees, in.copies,
                            in.enclosures, key, h2o_strdup(&r->h2o->pool, hash, 64).base};
    dft_db_run(r, &scope, DFT_DB_WRITE, "draft_create", params, 8, dft_kit_on_created, r);
}

static void list_drafts(dft_req_t *r)
{
    dft_db_scope_t scope;
    char file[37];
    if (ids(r, &scope, file, NULL) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, file, 36).base};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "drafts_list", params, 1); /* audits */
}

static void on_draft(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else if (reply->value == NULL)
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such draft.");
    else
        dft_kit_respond_etag(r, strcmp(r->route->method, "POST") == 0 ? 201 : 200, reply);
}

static void get_draft(dft_req_t *r)
{
    dft_db_scope_t scope;
    char file[37], draft[37];
    if (ids(r, &scope, file, draft) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, file, 36).base, h2o_strdup(&r->h2o->pool, draft, 36).base};
    dft_db_run(r, &scope, DFT_DB_WRITE, "draft_get", params, 2, on_draft, r); /* audits */
}

static void update_draft(dft_req_t *r)
{
    dft_db_scope_t scope;
    char file[37], draft[37];
    const char *version;
    draft_input_t in;
    if (ids(r, &scope, file, draft) != 0 || (version = dft_kit_if_match(r, "draft", 1)) == NULL || draft_input(r, 0, &in) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, file, 36).base,
                            h2o_strdup(&r->h2o->pool, draft, 36).base,
                            version,
                            in.subject,
                            in.body,
                            in.addressees,
                            in.copies,
                            in.enclosures};
    dft_db_run(r, &scope, DFT_DB_WRITE, "draft_update", params, 8, on_draft, r);
}

static const dft_attach_target_t to_draft = {"draft_id", "No such draft.", "draft_classification", "draft_document_add",
                                             "file_id", "No such file."};

static void upload_draft_document(dft_req_t *r)
{
    dft_attach_upload(r, &to_draft);
}

static const dft_sign_target_t approval = {"No such draft.", "draft_to_sign", "draft_approve", 3};

static void approve_draft(dft_req_t *r)
{
    dft_db_scope_t scope;
    char file[37], draft[37];
    const char *version, *remarks, *signature = NULL;
    if (ids(r, &scope, file, draft) != 0 || (version = dft_kit_if_match(r, "draft", 1)) == NULL)
        return;
    static const char *const allowed[] = {"remarks", "signature", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL || (remarks = dft_body_text(r, body, "remarks", 2000, 0)) == NULL ||
        (json_object_get(body, "signature") != NULL &&
         (signature = dft_body_string(r, body, "signature", MAX_SIGNATURE_B64)) == NULL))
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, file, 36).base, h2o_strdup(&r->h2o->pool, draft, 36).base, version,
                            remarks};
    dft_kit_signed_write(r, &scope, &approval, params, 4, signature, on_draft);
}

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/drafts", .name = "createDraft",
     .handler = create_draft, .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/drafts", .name = "listDrafts", .handler = list_drafts,
     .scope = "files:read"},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/drafts/{draft_id}", .name = "getDraft",
     .handler = get_draft, .scope = "files:read"},
    {.method = "PATCH", .path = "/v1/departments/{dept}/files/{file_id}/drafts/{draft_id}", .name = "updateDraft",
     .handler = update_draft, .scope = "files:write"},
    {.method = "PUT", .path = "/v1/departments/{dept}/files/{file_id}/drafts/{draft_id}/document",
     .name = "uploadDraftDocument", .handler = upload_draft_document, .query = dft_attach_upload_query,
     .flags = DFT_ROUTE_UPLOAD, .scope = "files:write"},
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/drafts/{draft_id}/approval", .name = "approveDraft",
     .handler = approve_draft, .scope = "files:write"},
};

const dft_route_table_t dft_draft_routes = {routes, DFT_ARRAY_SIZE(routes)};
