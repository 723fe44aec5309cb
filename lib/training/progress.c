/*
 * progress.c — an officer's progress and certificates. Progress events
 * (module started, finished, answers submitted) carry no time: the server's
 * clock is the only one, minimum times are enforced and assessments scored
 * in SQL (sql/state/training/functions/progress_event.sql). A completion
 * is a certificate: a compact JWS (ES256, daftar's signing key, its kid in
 * the JWKS) over UID, course, completion date, score, validity and issuer,
 * signed when the officer fetches it. Anyone verifies one, with no login
 * (POST /v1/certificates/verify): the signature with the key it names
 * (published or retired: certificates outlive the tokens a key signs),
 * checked on a worker thread, then the facts in the database (the
 * completion, not revoked, not expired). training_admin revokes; the
 * revoked ids are public.
 */
#include "training_internal.h"

#include "../auth/auth.h"
#include "../core/core.h"
#include "../kit/kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_ENROLMENT "No such enrolment of yours."
#define NO_CERTIFICATE "No such certificate of yours, or it was revoked."

static const char *const page_query[] = {"limit", "cursor", NULL};

/* ---------------------------------------------------------------- progress */

static int enrolment_target(dft_req_t *r, dft_db_scope_t *scope, const char **id)
{
    char buf[37];
    if (dft_training_scope(r, 0, scope) != 0 || dft_kit_path_uuid(r, "enrolment_id", NO_ENROLMENT, buf) != 0)
        return -1;
    *id = h2o_strdup(&r->h2o->pool, buf, 36).base;
    return 0;
}

static void on_enrolment(void *ctx, const dft_db_reply_t *reply)
{
    dft_training_on_found(ctx, reply, NO_ENROLMENT);
}

static void get_my_enrolment(dft_req_t *r)
{
    dft_db_scope_t scope;
    const char *params[1];
    if (enrolment_target(r, &scope, &params[0]) == 0)
        dft_db_run(r, &scope, DFT_DB_READ, "enrolment_get", params, 1, on_enrolment, r);
}

/* answers: 1..50 option indexes (0..5), as JSON text; "" when absent; NULL after a 400. */
static const char *body_answers(dft_req_t *r, json_t *body)
{
    json_t *a = json_object_get(body, "answers"), *v;
    if (a == NULL)
        return "";
    size_t i;
    int ok = json_is_array(a) && json_array_size(a) >= 1 && json_array_size(a) <= 50;
    json_array_foreach(a, i, v)
    {
        ok &= json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 5;
    }
    if (!ok) {
        dft_respond_field_error(r, "answers", "invalid", "answers: the index of the option chosen, one a question, in order.");
        return NULL;
    }
    return dft_training_json_text(r, a);
}

/* A progress event: {"module": n, "event": "started" | "finished" | "answers", "answers": [...]}. The time
 * is the server's. */
static void record_progress(dft_req_t *r)
{
    dft_db_scope_t scope;
    const char *id, *module, *event, *answers;
    if (enrolment_target(r, &scope, &id) != 0)
        return;
    static const char *const allowed[] = {"module", "event", "answers", NULL};
    static const char *const events[] = {"started", "finished", "answers", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL || (module = dft_kit_body_int(r, body, "module", 1, 50, NULL)) == NULL ||
        (event = dft_kit_body_enum(r, body, "event", events, NULL)) == NULL || (answers = body_answers(r, body)) == NULL)
        return;
    if ((answers[0] != '\0') != (strcmp(event, "answers") == 0)) {
        dft_respond_field_error(r, "answers", answers[0] ? "invalid" : "required",
                                "answers are sent with the event answers, and only with it.");
        return;
    }
    const char *params[] = {id, module, event, answers[0] ? answers : NULL};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "progress_event", params, 4);
}

/* ------------------------------------------------------------ certificates */

static void on_claims(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK) {
        dft_respond_error(r, &reply->err);
        return;
    }
    if (reply->value == NULL) {
        dft_respond_code(r, DFT_E_NOT_FOUND, NO_CERTIFICATE);
        return;
    }
    char *claims = dft_strndup(reply->value, reply->len);
    char *jws = dft_auth_sign_document(r->thread, claims);
    free(claims);
    if (jws == NULL) {
        dft_respond_code(r, DFT_E_UNAVAILABLE, "Certificates cannot be signed right now.");
        return;
    }
    dft_buf_t out = {0};
    dft_buf_printf(&out, "{\"certificate\":\"%s\",\"claims\":%.*s}", jws, (int)reply->len, reply->value);
    dft_respond_json(r, 200, out.data, out.len);
    dft_buf_dispose(&out);
    free(jws);
}

static void get_my_certificate(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_training_scope(r, 0, &scope) != 0 || dft_kit_path_uuid(r, "certificate_id", NO_CERTIFICATE, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_run(r, &scope, DFT_DB_READ, "certificate_claims", params, 1, on_claims, r);
}

/* Verifying: the key (catalog), the signature (a worker), the facts (scope training). */
typedef struct verify_t {
    dft_flow_t flow;
    char *token, *pem, *claims;
    size_t len;
    const char *why;
} verify_t;

static void verify_dispose(dft_flow_t *f)
{
    verify_t *v = (verify_t *)f;
    free(v->token);
    free(v->pem);
    free(v->claims);
}

/* 200 {"valid": false, "reason": why} and the flow ends (a certificate that fails is an answer, not an error). */
static void refuse(verify_t *v, dft_req_t *r, const char *reason)
{
    char out[160];
    int n = snprintf(out, sizeof(out), "{\"valid\":false,\"reason\":\"%s\",\"revoked_at\":null,\"certificate\":null}", reason);
    dft_respond_json(r, 200, out, (size_t)n);
    dft_flow_free(&v->flow);
}

static void on_checked(void *ctx, const dft_db_reply_t *reply)
{
    verify_t *v = ctx;
    dft_req_t *r = dft_flow_request(&v->flow);
    if (r == NULL || dft_flow_failed(&v->flow, reply, "No such certificate.") != 0)
        return;
    dft_respond_json(r, 200, reply->value, reply->len);
    dft_flow_free(&v->flow);
}

static void run_verify(dft_task_t *task)
{
    verify_t *v = (verify_t *)task;
    dft_auth_verify_document(v->token, v->len, v->pem, &v->claims, &v->why);
}

static void on_verified(dft_task_t *task)
{
    verify_t *v = (verify_t *)task;
    dft_req_t *r = dft_flow_request(&v->flow);
    if (r == NULL)
        return;
    if (v->claims == NULL) {
        refuse(v, r, v->why != NULL && strcmp(v->why, "bad signature") == 0 ? "bad_signature" : "malformed");
        return;
    }
    const char *params[] = {v->claims};
    dft_db_run_for(r, &v->flow.scope, DFT_DB_READ, "certificate_check", params, 1, on_checked, v);
}

static void on_key(void *ctx, const dft_db_reply_t *reply)
{
    verify_t *v = ctx;
    dft_req_t *r = dft_flow_request(&v->flow);
    if (r == NULL)
        return;
    if (reply->err.code != DFT_OK) {
        dft_respond_error(r, &reply->err);
        dft_flow_free(&v->flow);
        return;
    }
    if (reply->value == NULL) {
        refuse(v, r, "unknown_key");
        return;
    }
    v->pem = dft_strndup(reply->value, reply->len);
    dft_flow_submit(&v->flow, run_verify, on_verified);
}

static void verify_certificate(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_training_scope(r, 0, &scope) != 0)
        return;
    static const char *const allowed[] = {"certificate", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *token;
    if (body == NULL || (token = dft_body_string(r, body, "certificate", DFT_AUTH_MAX_TOKEN)) == NULL)
        return;
    char kid[72];
    const char *why;
    verify_t *v = dft_flow_new(sizeof(*v), r, &scope, verify_dispose);
    if (dft_document_kid(token, strlen(token), kid, &why) != 0) {
        refuse(v, r, "malformed");
        return;
    }
    v->token = dft_strdup(token);
    v->len = strlen(token);
    const char *params[] = {h2o_strdup(&r->h2o->pool, kid, SIZE_MAX).base};
    dft_db_run_for(r, NULL, DFT_DB_READ, "certificate_key", params, 1, on_key, v);
}

static void list_revoked(dft_req_t *r)
{
    dft_db_scope_t scope;
    const char *cursor;
    char limit[8];
    if (dft_training_scope(r, 0, &scope) != 0 || dft_req_limit(r, limit) != 0 || (cursor = dft_kit_cursor(r)) == NULL)
        return;
    dft_add_header(r, "cache-control", "public, max-age=60");
    const char *params[] = {h2o_strdup(&r->h2o->pool, limit, SIZE_MAX).base, cursor};
    dft_db_respond(r, &scope, DFT_DB_READ, "certificates_revoked", params, 2);
}

static void revoke_certificate(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *reason;
    if (dft_training_scope(r, 0, &scope) != 0 || dft_kit_path_uuid(r, "certificate_id", "No such certificate.", id) != 0)
        return;
    static const char *const allowed[] = {"reason", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL || (reason = dft_body_text(r, body, "reason", 1000, 1)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, reason};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "certificate_revoke", params, 2);
}

/* The officer gives up their enrolment's place in its classroom batch; the first waiting takes a seat given up. */
static void leave_batch(dft_req_t *r)
{
    dft_db_scope_t scope;
    const char *params[1];
    if (enrolment_target(r, &scope, &params[0]) == 0)
        dft_db_respond(r, &scope, DFT_DB_WRITE, "seat_leave", params, 1);
}

#define MINE "/v1/me/training"

static const dft_route_t routes[] = {
    {.method = "GET", .path = MINE "/enrolments/{enrolment_id}", .name = "getMyEnrolment", .handler = get_my_enrolment},
    {.method = "POST", .path = MINE "/enrolments/{enrolment_id}/events", .name = "recordProgress", .handler = record_progress},
    {.method = "DELETE", .path = MINE "/enrolments/{enrolment_id}/batch", .name = "leaveBatch", .handler = leave_batch},
    {.method = "GET", .path = MINE "/certificates/{certificate_id}", .name = "getMyCertificate", .handler = get_my_certificate},
    {.method = "POST", .path = "/v1/certificates/verify", .name = "verifyCertificate", .handler = verify_certificate,
     .flags = DFT_ROUTE_PUBLIC},
    {.method = "GET", .path = "/v1/certificates/revoked", .name = "listRevokedCertificates", .handler = list_revoked,
     .query = page_query, .flags = DFT_ROUTE_PUBLIC},
    {.method = "POST", .path = "/v1/certificates/{certificate_id}/revoke", .name = "revokeCertificate",
     .handler = revoke_certificate},
};
const dft_route_table_t dft_progress_routes = {routes, DFT_ARRAY_SIZE(routes)};
