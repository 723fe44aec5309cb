/*
 * dak.c — letters between departments. The sending department's dispatch
 * of mode department went into the exchange when it was issued (catalog
 * 0026, functions/dak_send.sql); here:
 *   GET  .../dak                            the registry of the receiving department lists what came;
 *   POST .../dak/{dak_id}/acknowledgement   it acknowledges one: a receipt in its dak with the
 *                                           same PDF, and a hand-off daftar signs;
 *   GET  .../dispatches/{id}/receipt        the sender reads that hand-off.
 * The hand-off is a compact JWS (ES256, the key that signs now, kid in its
 * header) over the letter's SHA-256, both numbers and both times, so that
 * either department proves the hand-off with the JWKS alone, without
 * trusting the other's database. It is signed as daftar signs tokens and
 * its other documents (dft_auth_sign_document), then stored on the
 * exchange row; an acknowledgement interrupted between the two is completed
 * by asking again.
 */
#include "dispatch.h"
#include "../kit/kit.h"

#include "../auth/auth.h"
#include "../core/core.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const dak_statuses[] = {"waiting", "acknowledged", NULL};

static void list_dak(dft_req_t *r)
{
    dft_db_scope_t scope;
    char limit[8];
    const char *status, *cursor;
    if (dft_kit_dept_scope(r, &scope) != 0 || (status = dft_kit_query_enum(r, "status", dak_statuses, "")) == NULL ||
        (cursor = dft_kit_cursor(r)) == NULL || dft_req_limit(r, limit) != 0)
        return;
    const char *params[] = {status, cursor, h2o_strdup(&r->h2o->pool, limit, SIZE_MAX).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "dak_list", params, 3);
}

/* ---------------------------------------------------- acknowledgement */

static void on_stored(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else if (reply->value == NULL)
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such letter in the dak.");
    else
        dft_respond_json(r, 201, reply->value, reply->len);
}

/* The letter is acknowledged: daftar signs the hand-off with the key that signs now (as it signs tokens)
 * and keeps it on the exchange row. Without a key the acknowledgement stands and is completed when asked
 * again. */
static void on_acknowledged(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK || reply->value == NULL) {
        on_stored(r, reply);
        return;
    }
    json_t *j = json_loadb(reply->value, reply->len, 0, NULL), *claims = json_object_get(j, "claims");
    char *text = json_is_object(claims) ? json_dumps(claims, JSON_COMPACT) : NULL;
    char *jws = text != NULL ? dft_auth_sign_document(r->thread, text) : NULL;
    json_decref(j);
    free(text);
    if (jws == NULL) {
        dft_respond_code(r, DFT_E_UNAVAILABLE, "The server cannot sign the hand-off now; acknowledge again shortly.");
        return;
    }
    dft_db_scope_t scope; /* again: the registry may have been replaced meanwhile */
    char id[37];
    const char *signed_text = h2o_strdup(&r->h2o->pool, jws, SIZE_MAX).base;
    free(jws);
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "dak_id", "No such letter in the dak.", id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, signed_text};
    dft_db_run(r, &scope, DFT_DB_WRITE, "dak_handoff_store", params, 2, on_stored, r);
}

static void acknowledge_dak(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "dak_id", "No such letter in the dak.", id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_run(r, &scope, DFT_DB_WRITE, "dak_acknowledge", params, 1, on_acknowledged, r);
}

/* ----------------------------------------------------------- sender */

static void get_receipt(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "dispatch_id", "No such dispatch.", id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "dispatch_receipt", params, 1);
}

static const char *const dak_query[] = {"status", "limit", "cursor", NULL};

static const dft_route_t routes[] = {
    {.method = "GET", .path = "/v1/departments/{dept}/dak", .name = "listDak", .handler = list_dak, .query = dak_query,
     .scope = "receipts:read"},
    {.method = "POST", .path = "/v1/departments/{dept}/dak/{dak_id}/acknowledgement", .name = "acknowledgeDak",
     .handler = acknowledge_dak, .scope = "receipts:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/dispatches/{dispatch_id}/receipt", .name = "getDispatchReceipt",
     .handler = get_receipt, .scope = "dispatch:read"},
};

const dft_route_table_t dft_dak_routes = {routes, DFT_ARRAY_SIZE(routes)};
