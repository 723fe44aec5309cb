/*
 * signed.c — see kit.h: writes that carry an officer's digital signature
 * over a thing's hash (a note, a draft letter's version). The database says
 * what is to be signed and with which registered certificates (and refuses
 * when the caller may not write now); a worker verifies the detached CMS
 * signature (sign.h: registered certificate, valid today, trusted chain, not
 * revoked, the bytes signed); the database stores it with the write,
 * checking that the hash did not change meanwhile.
 */
#include "kit.h"
#include "sign.h"

#include "../auth/crypto.h"
#include "../core/core.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CERTS 10
#define MAX_PARAMS (DFT_DB_MAX_PARAMS - 8)

typedef struct signed_t {
    dft_flow_t flow; /* first */
    const dft_sign_target_t *target;
    dft_db_cb done;
    char *params[MAX_PARAMS];
    int n;
    char hash[65];
    dft_buf_t cms;
    dft_buf_t der; /* the registered certificates, one after another */
    dft_der_t certs[MAX_CERTS];
    size_t ncerts;
    int rc;
    const char *why;
    dft_cert_info_t signer;
    char signing_time[24];
} signed_t;

static void signed_dispose(dft_flow_t *f)
{
    signed_t *s = (signed_t *)f;
    for (int i = 0; i < s->n; ++i)
        free(s->params[i]);
    dft_buf_dispose(&s->cms);
    dft_buf_dispose(&s->der);
}

size_t dft_kit_certs_load(json_t *list, dft_buf_t *der, dft_der_t *certs, size_t max)
{
    size_t i, n = 0, offsets[MAX_CERTS];
    json_t *v;
    if (max > MAX_CERTS)
        max = MAX_CERTS;
    json_array_foreach(list, i, v) {
        if (n == max || !json_is_string(v))
            break;
        offsets[n] = der->len;
        if (dft_b64_decode(json_string_value(v), json_string_length(v), der) == 0) {
            certs[n].len = der->len - offsets[n];
            ++n;
        } else {
            der->len = offsets[n];
        }
    }
    for (size_t k = 0; k < n; ++k) /* der->data may have moved while it grew */
        certs[k].data = (const unsigned char *)der->data + offsets[k];
    return n;
}

static void on_written(void *ctx, const dft_db_reply_t *reply)
{
    signed_t *s = ctx;
    dft_req_t *r = dft_flow_request(&s->flow);
    if (r == NULL)
        return;
    s->done(r, reply);
    dft_flow_free(&s->flow);
}

static void run_verify(dft_task_t *task)
{
    signed_t *s = (signed_t *)task;
    s->rc = dft_cms_verify((const unsigned char *)s->cms.data, s->cms.len, (const unsigned char *)s->hash, 64, s->certs,
                           s->ncerts, 1, &s->signer, s->signing_time, &s->why);
}

static void on_verified(dft_task_t *task)
{
    signed_t *s = (signed_t *)task;
    dft_req_t *r = dft_flow_request(&s->flow);
    if (r == NULL)
        return;
    if (s->rc != 0) {
        dft_respond_code(r, DFT_E_UNPROCESSABLE, s->why);
        dft_flow_free(&s->flow);
        return;
    }
    const char *params[DFT_DB_MAX_PARAMS];
    for (int i = 0; i < s->n; ++i)
        params[i] = s->params[i];
    const char *sig[] = {s->hash,          s->signer.fingerprint,
                         s->signer.subject, s->signer.issuer,
                         s->signer.serial,  s->signer.not_after,
                         s->signing_time[0] ? s->signing_time : NULL, NULL};
    memcpy(params + s->n, sig, sizeof(sig));
    dft_db_blob_t blob = {s->n + 7, s->cms.data, s->cms.len};
    dft_db_run_ext(r, 0, &s->flow.scope, DFT_DB_WRITE, s->target->write, params, s->n + 8, &blob, 0, on_written, s);
}

static void on_to_sign(void *ctx, const dft_db_reply_t *reply)
{
    signed_t *s = ctx;
    if (dft_flow_request(&s->flow) == NULL || dft_flow_failed(&s->flow, reply, s->target->missing) != 0)
        return;
    json_t *j = json_loadb(reply->value, reply->len, 0, NULL);
    const char *hash = json_string_value(json_object_get(j, "hash"));
    if (hash == NULL || strlen(hash) != 64) {
        json_decref(j);
        dft_respond_code(s->flow.req, DFT_E_INTERNAL, "a to-sign statement returned unusable data");
        dft_flow_free(&s->flow);
        return;
    }
    memcpy(s->hash, hash, 65);
    s->ncerts = dft_kit_certs_load(json_object_get(j, "certificates"), &s->der, s->certs, MAX_CERTS);
    json_decref(j);
    if (s->ncerts == 0) {
        dft_respond_code(s->flow.req, DFT_E_UNPROCESSABLE,
                         "Register your signing certificate first (POST /v1/me/certificates).");
        dft_flow_free(&s->flow);
        return;
    }
    dft_flow_submit(&s->flow, run_verify, on_verified);
}

void dft_kit_signed_write(dft_req_t *r, const dft_db_scope_t *scope, const dft_sign_target_t *target,
                          const char *const *params, int n, const char *cms_b64, dft_db_cb done)
{
    assert(n >= 0 && n <= MAX_PARAMS);
    if (cms_b64 == NULL) {
        const char *all[DFT_DB_MAX_PARAMS] = {0};
        for (int i = 0; i < n; ++i)
            all[i] = params[i];
        dft_db_run(r, scope, DFT_DB_WRITE, target->write, all, n + 8, done, r);
        return;
    }
    if (!dft_sign_available()) {
        dft_respond_code(r, DFT_E_UNAVAILABLE, "Digital signatures are not configured on this server.");
        return;
    }
    dft_buf_t cms = {0};
    if (dft_b64_decode(cms_b64, strlen(cms_b64), &cms) != 0 || cms.len == 0) {
        dft_buf_dispose(&cms);
        dft_respond_field_error(r, "signature", "invalid", "signature is the DER CMS signature in base64.");
        return;
    }
    signed_t *s = dft_flow_new(sizeof(*s), r, scope, signed_dispose);
    s->target = target;
    s->done = done;
    s->cms = cms;
    for (s->n = 0; s->n < n; ++s->n)
        s->params[s->n] = params[s->n] ? dft_strdup(params[s->n]) : NULL;
    int k = target->to_sign_n > 0 && target->to_sign_n < n ? target->to_sign_n : n;
    dft_db_run_for(r, &s->flow.scope, DFT_DB_WRITE, target->to_sign, (const char *const *)s->params, k, on_to_sign, s);
}
