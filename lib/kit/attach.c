/*
 * attach.c — see kit.h: attachments of any family. Upload: a raw body whose
 * type is checked by its magic bytes, hashed (SHA-256) and, for a
 * confidential or secret owner, encrypted (AES-256-GCM under the
 * department's data key) on a worker, then stored by the family's statement;
 * the plaintext of confidential documents never reaches the database.
 * Download: the same bytes, ETag from the SHA-256, decrypted on a worker.
 *
 * An upload is a flow: the database says the owner's classification (and
 * that the caller may attach to it), a worker hashes and if needed encrypts
 * a copy of the body, the database stores it.
 */
#include "kit.h"

#include "../auth/auth.h"
#include "../auth/crypto.h"
#include "../core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const dft_attach_upload_query[] = {"filename", NULL};

static const struct {
    const char *type, *magic;
    size_t len;
} doc_types[] = {
    {"application/pdf", "%PDF-", 5},
    {"image/png", "\x89PNG\r\n\x1a\n", 8},
    {"image/jpeg", "\xff\xd8\xff", 3},
};

typedef struct upload_t {
    dft_flow_t flow; /* first */
    const dft_attach_target_t *target;
    char parent[37], id[37], sha256[65], size[24];
    char idem_key[65], request_hash[65]; /* with target->idempotent: the Idempotency-Key ("" none), method + path + sha256 */
    const char *type;
    char *filename;
    unsigned char *body;
    size_t len;
    int encrypt;
    unsigned char key[32]; /* the department's data key, when encrypt */
    dft_buf_t sealed;      /* the document encrypted, or a new sealed data key on its way */
} upload_t;

static void upload_dispose(dft_flow_t *f)
{
    upload_t *u = (upload_t *)f;
    if (u->body != NULL)
        dft_wipe(u->body, u->len);
    free(u->body);
    free(u->filename);
    dft_wipe(u->key, sizeof(u->key));
    dft_buf_dispose(&u->sealed);
}

static void on_added(void *ctx, const dft_db_reply_t *reply)
{
    upload_t *u = ctx;
    dft_req_t *r = dft_flow_request(&u->flow);
    if (r == NULL || dft_flow_failed(&u->flow, reply, u->target->missing) != 0)
        return;
    char etag[70];
    snprintf(etag, sizeof(etag), "\"%s\"", u->sha256);
    dft_add_header(r, "etag", etag);
    if (!u->target->idempotent) {
        dft_respond_json(r, 201, reply->value, reply->len);
    } else {
        char *out = dft_kit_created_thing(r, reply);
        if (out != NULL)
            dft_respond_json(r, 201, out, strlen(out));
        free(out);
    }
    dft_flow_free(&u->flow);
}

static void run_digest(dft_task_t *task)
{
    upload_t *u = (upload_t *)task;
    dft_sha256_hex(u->body, u->len, u->sha256);
    if (u->encrypt)
        dft_seal(u->key, u->body, u->len, &u->sealed);
}

static void on_digested(dft_task_t *task)
{
    upload_t *u = (upload_t *)task;
    dft_req_t *r = dft_flow_request(&u->flow);
    if (r == NULL)
        return;
    if (u->encrypt && u->sealed.len == 0) {
        dft_respond_code(r, DFT_E_UNAVAILABLE, "Confidential documents cannot be stored on this server now.");
        dft_flow_free(&u->flow);
        return;
    }
    snprintf(u->size, sizeof(u->size), "%zu", u->len);
    int k = u->target->parent != NULL; /* the parent's id comes first */
    dft_db_blob_t blob = {6 + k, u->encrypt ? (const void *)u->sealed.data : u->body, u->encrypt ? u->sealed.len : u->len};
    if (u->target->idempotent) { /* the same key, path and bytes is the same request */
        dft_buf_t b = {0};
        dft_buf_append(&b, r->h2o->method.base, r->h2o->method.len);
        dft_buf_printf(&b, " %.*s\n%s", (int)r->h2o->path.len, r->h2o->path.base, u->sha256);
        dft_sha256_hex(b.data, b.len, u->request_hash);
        dft_buf_dispose(&b);
    }
    const char *params[] = {u->parent, u->id, u->filename, u->type, u->size, u->sha256, u->encrypt ? "true" : "false", NULL,
                            u->idem_key[0] ? u->idem_key : NULL, u->request_hash};
    int n = 7 + k + (u->target->idempotent ? 2 : 0);
    dft_db_run_ext(r, 0, &u->flow.scope, DFT_DB_WRITE, u->target->add, params + 1 - k, n, &blob, 0, on_added, u);
}

/* The department's data key is open in u->key: on to the worker; or the server cannot. */
static void with_key(upload_t *u, int opened)
{
    u->sealed.len = 0;
    if (opened != 0) {
        dft_respond_code(u->flow.req, DFT_E_UNAVAILABLE, "Confidential documents cannot be stored on this server now.");
        dft_flow_free(&u->flow);
        return;
    }
    dft_flow_submit(&u->flow, run_digest, on_digested);
}

static void on_key_ensured(void *ctx, const dft_db_reply_t *reply)
{
    upload_t *u = ctx;
    if (dft_flow_request(&u->flow) == NULL || dft_flow_failed(&u->flow, reply, u->target->missing) != 0)
        return;
    with_key(u, dft_auth_data_key_open(reply->value, reply->len, u->key));
}

static void on_classified(void *ctx, const dft_db_reply_t *reply)
{
    upload_t *u = ctx;
    if (dft_flow_request(&u->flow) == NULL || dft_flow_failed(&u->flow, reply, u->target->missing) != 0)
        return;
    u->encrypt = strcmp(reply->value, "confidential") == 0 || strcmp(reply->value, "secret") == 0;
    if (!u->encrypt) {
        dft_flow_submit(&u->flow, run_digest, on_digested);
        return;
    }
    size_t len = 0;
    const char *sealed = dft_db_reply_field(reply, 1, &len);
    if (sealed != NULL) {
        with_key(u, dft_auth_data_key_open(sealed, len, u->key));
    } else if (dft_auth_data_key_new(u->key, &u->sealed) != 0) { /* the department's first: make its key */
        with_key(u, -1);
    } else {
        const char *params[] = {u->sealed.data};
        dft_db_run_for(u->flow.req, &u->flow.scope, DFT_DB_WRITE, "data_key_ensure", params, 1, on_key_ensured, u);
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

void dft_attach_upload(dft_req_t *r, const dft_attach_target_t *target)
{
    dft_db_scope_t scope;
    char parent[37] = "", id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 ||
        (target->parent != NULL && dft_kit_path_uuid(r, target->parent, target->parent_missing, parent) != 0) ||
        dft_kit_path_uuid(r, target->param, target->missing, id) != 0)
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
    const char *key = NULL;
    if (target->idempotent && dft_kit_idempotency_key(r, &key) != 0)
        return;
    upload_t *u = dft_flow_new(sizeof(*u), r, &scope, upload_dispose);
    u->target = target;
    snprintf(u->idem_key, sizeof(u->idem_key), "%s", key ? key : "");
    memcpy(u->parent, parent, sizeof(u->parent));
    memcpy(u->id, id, sizeof(u->id));
    u->type = doc_types[ti].type;
    u->filename = dft_strndup(name->base, name->len);
    u->len = req->entity.len;
    u->body = dft_malloc(u->len);
    memcpy(u->body, req->entity.base, u->len);
    int k = target->parent != NULL;
    const char *params[] = {u->parent, u->id};
    dft_db_run_for(r, &u->flow.scope, DFT_DB_WRITE, target->classify, params + 1 - k, 1 + k, on_classified, u);
}

/* ----------------------------------------------------------- download */

/* A download: plain documents are answered from the database's reply; an
 * encrypted one is copied and decrypted on a worker, into memory the
 * response then owns. */
typedef struct download_t {
    dft_flow_t flow; /* first */
    unsigned char key[32];
    unsigned char *sealed;
    size_t len;
    unsigned char *plain; /* h2o shared memory, linked to the request's pool when answered */
    const char *type;     /* in the request's pool */
} download_t;

static void download_dispose(dft_flow_t *f)
{
    download_t *d = (download_t *)f;
    dft_wipe(d->key, sizeof(d->key));
    free(d->sealed);
    if (d->plain != NULL) {
        dft_wipe(d->plain, d->len - 28);
        h2o_mem_release_shared(d->plain);
    }
}

static void run_open(dft_task_t *task)
{
    download_t *d = (download_t *)task;
    d->plain = h2o_mem_alloc_shared(NULL, d->len - 28 + 1, NULL);
    if (dft_open_to(d->key, d->sealed, d->len, d->plain) != 0) {
        h2o_mem_release_shared(d->plain);
        d->plain = NULL;
    }
}

static void on_opened(dft_task_t *task)
{
    download_t *d = (download_t *)task;
    dft_req_t *r = dft_flow_request(&d->flow);
    if (r == NULL)
        return;
    if (d->plain == NULL) {
        dft_respond_code(r, DFT_E_INTERNAL, "document does not decrypt with the department's key");
    } else {
        h2o_mem_link_shared(&r->h2o->pool, d->plain); /* the response owns it now */
        h2o_mem_release_shared(d->plain);
        dft_respond(r, 200, d->type, h2o_iovec_init(d->plain, d->len - 28));
        d->plain = NULL;
    }
    dft_flow_free(&d->flow);
}

static void on_document(void *ctx, const dft_db_reply_t *reply)
{
    download_t *d = ctx;
    dft_req_t *r = dft_flow_request(&d->flow);
    if (r == NULL)
        return;
    if (reply->err.code != DFT_OK) {
        dft_respond_error(r, &reply->err);
        dft_flow_free(&d->flow);
        return;
    }
    size_t clen = 0, tlen = 0, nlen = 0, hlen = 0, elen = 0, klen = 0;
    const char *content = dft_db_reply_field(reply, 0, &clen), *type = dft_db_reply_field(reply, 1, &tlen);
    const char *name = dft_db_reply_field(reply, 2, &nlen), *sha = dft_db_reply_field(reply, 3, &hlen);
    const char *enc = dft_db_reply_field(reply, 4, &elen), *sealed = dft_db_reply_field(reply, 5, &klen);
    if (content == NULL || type == NULL || name == NULL || sha == NULL || enc == NULL) {
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such document.");
        dft_flow_free(&d->flow);
        return;
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
    d->type = h2o_strdup(&r->h2o->pool, type, tlen).base;
    if (!(elen == 4 && memcmp(enc, "true", 4) == 0)) {
        dft_respond(r, 200, d->type, h2o_strdup(&r->h2o->pool, content, clen));
        dft_flow_free(&d->flow);
        return;
    }
    if (clen < 28 || dft_auth_data_key_open(sealed, klen, d->key) != 0) {
        dft_respond_code(r, DFT_E_INTERNAL, "document or data key does not open with this server's keys");
        dft_flow_free(&d->flow);
        return;
    }
    d->len = clen;
    d->sealed = dft_malloc(clen);
    memcpy(d->sealed, content, clen);
    dft_flow_submit(&d->flow, run_open, on_opened);
}

void dft_attach_download(dft_req_t *r, const dft_db_scope_t *scope, const char *stmt, const char *const *params, int n)
{
    download_t *d = dft_flow_new(sizeof(*d), r, scope, download_dispose);
    /* read-write: reading a confidential document writes an audit event */
    dft_db_run_ext(r, 0, &d->flow.scope, DFT_DB_WRITE, stmt, params, n, NULL, 1, on_document, d);
}
