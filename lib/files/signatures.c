/*
 * signatures.c — officers' signing certificates (/v1/me/certificates) and
 * digital signatures on notes (.../notes/{n}/signature).
 *
 * Signing a note: the database gives the note's hash and the author's
 * registered certificates; a worker verifies the detached CMS signature over
 * the hash with those certificates and the trusted CAs (sign.c); the
 * database stores it, checking the note did not change meanwhile, and the
 * note (with the drafts before it) becomes final. Reading a signature
 * verifies the stored CMS again.
 */
#include "files.h"
#include "../kit/kit.h"
#include "../kit/sign.h"

#include "../auth/crypto.h"
#include "../core/core.h"
#include "../core/log.h"

#include <stdlib.h>
#include <string.h>

#define MAX_CERTS 10
#define MAX_SIGNATURE_B64 65536
#define MAX_CERTIFICATE_TEXT 16384

typedef struct sign_t {
    dft_flow_t flow; /* first */
    char file[37], n[12], hash[65];
    dft_buf_t cms;
    dft_buf_t der;  /* registered certificates, one after another */
    dft_der_t certs[MAX_CERTS];
    size_t ncerts;
    json_t *shown; /* GET: the stored signature, shown with the result */
    int rc, valid_now;
    const char *why;
    dft_cert_info_t signer;
    char signing_time[24];
} sign_t;

static void sign_dispose(dft_flow_t *f)
{
    sign_t *s = (sign_t *)f;
    dft_buf_dispose(&s->cms);
    dft_buf_dispose(&s->der);
    json_decref(s->shown);
}

static int unavailable(dft_req_t *r)
{
    if (dft_sign_available())
        return 0;
    dft_respond_code(r, DFT_E_UNAVAILABLE, "Digital signatures are not configured on this server.");
    return -1;
}

/* ------------------------------------------------------------ signing */

static const dft_sign_target_t note_target = {"No such note.", "note_to_sign", "note_sign"};

static void on_signed(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else if (reply->value == NULL)
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such note.");
    else
        dft_respond_json(r, 201, reply->value, reply->len);
}

static void run_verify(dft_task_t *task)
{
    sign_t *s = (sign_t *)task;
    s->rc = dft_cms_verify((const unsigned char *)s->cms.data, s->cms.len, (const unsigned char *)s->hash, 64, s->certs,
                           s->ncerts, 0, &s->signer, s->signing_time, &s->why);
    if (s->ncerts == 1) { /* showing: is the certificate still good today? */
        dft_cert_info_t info;
        const char *why;
        s->valid_now = dft_cert_check(s->certs[0].data, s->certs[0].len, &info, &why) == 0;
    }
}

static void sign_note(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *n;
    if (unavailable(r) != 0 || dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "file_id", "No such file.", id) != 0 ||
        (n = dft_kit_path_number(r, "n", 1000000, "No such note.")) == NULL)
        return;
    static const char *const allowed[] = {"signature", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *b64;
    if (body == NULL || (b64 = dft_body_string(r, body, "signature", MAX_SIGNATURE_B64)) == NULL)
        return;
    const char *params[] = {id, n};
    dft_kit_signed_write(r, &scope, &note_target, params, 2, b64, on_signed);
}

/* ------------------------------------------------------------ showing */

static void on_checked(dft_task_t *task)
{
    sign_t *s = (sign_t *)task;
    dft_req_t *r = dft_flow_request(&s->flow);
    if (r == NULL)
        return;
    json_object_set_new(s->shown, "valid", json_boolean(s->rc == 0));
    json_object_set_new(s->shown, "problem", s->rc == 0 ? json_null() : json_string(s->why));
    json_object_set_new(s->shown, "certificate_valid_now", json_boolean(s->valid_now));
    char *out = json_dumps(s->shown, JSON_COMPACT | JSON_PRESERVE_ORDER);
    dft_respond_json(r, 200, out, strlen(out));
    free(out);
    dft_flow_free(&s->flow);
}

static void on_stored(void *ctx, const dft_db_reply_t *reply)
{
    sign_t *s = ctx;
    if (dft_flow_request(&s->flow) == NULL || dft_flow_failed(&s->flow, reply, "This note has no signature.") != 0)
        return;
    json_t *j = json_loadb(reply->value, reply->len, 0, NULL);
    const char *hash = json_string_value(json_object_get(j, "note_hash"));
    const char *cms = json_string_value(json_object_get(j, "cms"));
    s->shown = json_incref(json_object_get(j, "signature"));
    if (hash != NULL && strlen(hash) == 64)
        memcpy(s->hash, hash, 65);
    json_t *cert = json_array();
    json_array_append(cert, json_object_get(j, "certificate"));
    s->ncerts = dft_kit_certs_load(cert, &s->der, s->certs, MAX_CERTS);
    json_decref(cert);
    int ok = s->shown != NULL && cms != NULL && dft_b64_decode(cms, strlen(cms), &s->cms) == 0;
    json_decref(j);
    if (!ok) {
        dft_respond_code(s->flow.req, DFT_E_INTERNAL, "note_signature returned unusable data");
        dft_flow_free(&s->flow);
        return;
    }
    dft_flow_submit(&s->flow, run_verify, on_checked);
}

static void get_signature(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *n;
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "file_id", "No such file.", id) != 0 ||
        (n = dft_kit_path_number(r, "n", 1000000, "No such note.")) == NULL)
        return;
    sign_t *s = dft_flow_new(sizeof(*s), r, &scope, sign_dispose);
    memcpy(s->file, id, sizeof(s->file));
    snprintf(s->n, sizeof(s->n), "%s", n);
    const char *params[] = {s->file, s->n};
    dft_db_run_for(r, &s->flow.scope, DFT_DB_READ, "note_signature", params, 2, on_stored, s);
}

/* ------------------------------------------------------- certificates */

typedef struct cert_t {
    dft_flow_t flow; /* first */
    char *text, *proof;
    size_t len;
    char uid[24];
    dft_buf_t der;
    dft_cert_info_t info;
    int rc;
    const char *why;
} cert_t;

static void cert_dispose(dft_flow_t *f)
{
    cert_t *c = (cert_t *)f;
    free(c->text);
    free(c->proof);
    dft_buf_dispose(&c->der);
}

static void run_cert_check(dft_task_t *task)
{
    cert_t *c = (cert_t *)task;
    c->why = "This is not an X.509 certificate (PEM, or DER in base64).";
    c->rc = dft_cert_from_text(c->text, c->len, &c->der);
    if (c->rc == 0)
        c->rc = dft_cert_check((const unsigned char *)c->der.data, c->der.len, &c->info, &c->why);
    if (c->rc != 0)
        return;
    /* Proof of possession (security review item 11): a detached CMS signature, made with this
     * certificate's key, over "daftar-certificate:<UID>:<fingerprint>", so nobody registers a
     * certificate whose key they do not hold, nor for another officer. */
    dft_buf_t challenge = {0}, proof = {0};
    dft_buf_printf(&challenge, "daftar-certificate:%s:%s", c->uid, c->info.fingerprint);
    dft_der_t cert = {(const unsigned char *)c->der.data, c->der.len};
    dft_cert_info_t signer;
    char signed_at[24];
    const char *why;
    if (dft_b64_decode(c->proof, strlen(c->proof), &proof) != 0 ||
        dft_cms_verify((const unsigned char *)proof.data, proof.len, (const unsigned char *)challenge.data, challenge.len,
                       &cert, 1, 0, &signer, signed_at, &why) != 0) {
        c->rc = -1;
        c->why = "proof must be a detached CMS signature, made with this certificate's key, over "
                 "\"daftar-certificate:<your UID>:<SHA-256 of the certificate's DER, lowercase hex>\".";
    }
    dft_buf_dispose(&challenge);
    dft_buf_dispose(&proof);
}

static void on_registered(void *ctx, const dft_db_reply_t *reply)
{
    cert_t *c = ctx;
    dft_req_t *r = dft_flow_request(&c->flow);
    if (r == NULL || dft_flow_failed(&c->flow, reply, "No such officer.") != 0)
        return;
    dft_respond_json(r, 201, reply->value, reply->len);
    dft_flow_free(&c->flow);
}

static void on_cert_checked(dft_task_t *task)
{
    cert_t *c = (cert_t *)task;
    dft_req_t *r = dft_flow_request(&c->flow);
    if (r == NULL)
        return;
    if (c->rc != 0) {
        dft_respond_code(r, DFT_E_UNPROCESSABLE, c->why);
        dft_flow_free(&c->flow);
        return;
    }
    const char *params[] = {c->info.fingerprint, c->info.subject,   c->info.issuer, c->info.serial,
                            c->info.not_before,  c->info.not_after, NULL};
    dft_db_blob_t blob = {6, c->der.data, c->der.len};
    dft_db_run_ext(r, 0, NULL, DFT_DB_WRITE, "certificate_add", params, 7, &blob, 0, on_registered, c);
}

static void register_certificate(dft_req_t *r)
{
    if (unavailable(r) != 0)
        return;
    static const char *const allowed[] = {"certificate", "proof", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *text, *proof;
    if (body == NULL || (text = dft_body_string(r, body, "certificate", MAX_CERTIFICATE_TEXT)) == NULL ||
        (proof = dft_body_string(r, body, "proof", MAX_CERTIFICATE_TEXT)) == NULL)
        return;
    cert_t *c = dft_flow_new(sizeof(*c), r, NULL, cert_dispose);
    c->len = strlen(text);
    c->text = dft_strndup(text, c->len);
    c->proof = dft_strdup(proof);
    snprintf(c->uid, sizeof(c->uid), "%s", r->officer_uid);
    dft_flow_submit(&c->flow, run_cert_check, on_cert_checked);
}

static void list_certificates(dft_req_t *r)
{
    dft_db_respond(r, NULL, DFT_DB_READ, "certificates_list", NULL, 0);
}

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/me/certificates", .name = "registerCertificate", .handler = register_certificate},
    {.method = "GET", .path = "/v1/me/certificates", .name = "listCertificates", .handler = list_certificates},
    {.method = "PUT", .path = "/v1/departments/{dept}/files/{file_id}/notes/{n}/signature", .name = "signNote",
     .handler = sign_note, .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/notes/{n}/signature", .name = "getNoteSignature",
     .handler = get_signature, .scope = "files:read"},
};

const dft_route_table_t dft_signature_routes = {routes, DFT_ARRAY_SIZE(routes)};

int dft_files_attach(dft_server_t *server)
{
    if (dft_sign_init(server->config->signing_ca, server->config->signing_crl_dir) != 0) {
        dft_log(DFT_LOG_ERROR, "config",
                "signing_ca / signing_crl_dir: cannot load trusted CAs from the file or CRLs from the directory");
        return -1;
    }
    return 0;
}
