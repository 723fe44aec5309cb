/*
 * webhooks.c — a service account's webhook endpoints (issue 22): register,
 * list, delete, read the delivery log, replay a delivery. The deliveries
 * themselves are made off the event loop by deliver.c.
 *
 * An endpoint is HTTPS (plain HTTP to a loopback address only with the
 * setting webhook_insecure_loopback, for tests), at most 2,000 bytes, no
 * user part, and its host no address inside the server's networks unless
 * webhook_allow_hosts lets it in (egress.c, checked again at delivery after
 * DNS; refused with the type webhook-address-not-allowed); its types are e-File's and e-Dispatch's event types or their
 * families ("file.*"), each needing the read scope of its family
 * (files:read, dispatch:read) besides the route's `webhooks`. Events of the
 * statewide scopes (leave, APAR, training) are about persons and go to no
 * webhook. The server makes the endpoint's secret (32 random bytes, shown
 * once in the 201), seals it under a key derived from master_key, and signs
 * every delivery with HMAC-SHA256 over "<timestamp>.<body>" (deliver.c).
 */
#include "events.h"
#include "events_internal.h"

#include "../auth/auth.h"
#include "../auth/crypto.h"
#include "../core/core.h"
#include "../http/problem.h"
#include "../kit/kit.h"

#include <openssl/rand.h>
#include <string.h>

static unsigned char seal_key[32];
static int have_key;
static int insecure_loopback;

static const struct {
    const char *type, *scope;
} known[] = {
    {"file.arrived", "files:read"},   {"file.returned", "files:read"}, {"file.recalled", "files:read"},
    {"file.overdue", "files:read"},   {"file.*", "files:read"},        {"dispatch.delivered", "dispatch:read"},
    {"dispatch.*", "dispatch:read"},
};

void dft_webhooks_key(const unsigned char master[32], int insecure)
{
    dft_hkdf32(master, "daftar webhook secret v1", seal_key);
    have_key = 1;
    insecure_loopback = insecure;
}

int dft_webhooks_open_secret(const char *sealed, dft_buf_t *out)
{
    return have_key ? dft_open_hex(seal_key, sealed, out) : -1;
}

/* https://host..., or http://127.0.0.1|localhost|[::1] with the test setting; no spaces, controls or user part. */
static int url_acceptable(const char *u)
{
    size_t n = strlen(u);
    if (n > 2000)
        return 0;
    for (size_t i = 0; i < n; ++i)
        if ((unsigned char)u[i] <= ' ' || u[i] == 0x7f || u[i] == '\\')
            return 0;
    const char *host;
    if (strncmp(u, "https://", 8) == 0)
        host = u + 8;
    else if (insecure_loopback && strncmp(u, "http://", 7) == 0)
        host = u + 7;
    else
        return 0;
    size_t hl = strcspn(host, "/?#");
    if (hl == 0 || memchr(host, '@', hl) != NULL)
        return 0;
    if (host == u + 7) /* plain HTTP: loopback only */
        return (strncmp(host, "127.0.0.1", 9) == 0 && (host[9] == ':' || host[9] == '/' || host[9] == '\0')) ||
               (strncmp(host, "localhost", 9) == 0 && (host[9] == ':' || host[9] == '/' || host[9] == '\0')) ||
               (strncmp(host, "[::1]", 5) == 0 && (host[5] == ':' || host[5] == '/' || host[5] == '\0'));
    return 1;
}

/* Service accounts only: 0, or -1 after a 403. */
static int service_only(dft_req_t *r)
{
    if (r->principal->service)
        return 0;
    dft_respond_code(r, DFT_E_FORBIDDEN, "Webhooks are registered by service accounts.");
    return -1;
}

static void on_created(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK) {
        dft_respond_error(r, &reply->err);
        return;
    }
    json_t *j = reply->value ? json_loadb(reply->value, reply->len, 0, NULL) : NULL;
    const char *secret = r->pending_data;
    if (!json_is_object(j) || secret == NULL) {
        json_decref(j);
        dft_respond_code(r, DFT_E_INTERNAL, "The endpoint could not be registered.");
        return;
    }
    json_object_set_new(j, "secret", json_string(secret)); /* shown this once */
    char *text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    dft_respond_json(r, 201, text, strlen(text));
    free(text);
}

static void post_webhook(dft_req_t *r)
{
    static const char *const allowed[] = {"url", "types", NULL};
    dft_db_scope_t scope;
    if (service_only(r) != 0 || dft_kit_dept_scope(r, &scope) != 0)
        return;
    if (!have_key) {
        dft_respond_code(r, DFT_E_UNAVAILABLE, "Webhooks need the server's master_key.");
        return;
    }
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *url = dft_body_string(r, body, "url", 2000);
    if (url == NULL)
        return;
    if (!url_acceptable(url)) {
        dft_respond_field_error(r, "url", "invalid", "An https:// URL without a user part.");
        return;
    }
    if (!dft_egress_url_allowed(url)) {
        dft_error_t err = {.code = DFT_E_UNPROCESSABLE,
                           .detail = "The endpoint's host is an address inside the server's networks (loopback, private,"
                                     " link-local or metadata) that webhook_allow_hosts does not let in.",
                           .refusal = dft_problem_refusal("webhook-address-not-allowed")};
        dft_respond_error(r, &err);
        return;
    }
    json_t *types = json_object_get(body, "types");
    if (!json_is_array(types) || json_array_size(types) == 0 || json_array_size(types) > 32) {
        dft_respond_field_error(r, "types", "invalid", "1 to 32 event types.");
        return;
    }
    dft_buf_t list = {0};
    dft_buf_puts(&list, "{");
    size_t i;
    json_t *t;
    json_array_foreach(types, i, t) {
        const char *name = json_string_value(t);
        size_t k = 0;
        while (name != NULL && k < DFT_ARRAY_SIZE(known) && strcmp(known[k].type, name) != 0)
            ++k;
        if (name == NULL || k == DFT_ARRAY_SIZE(known)) {
            dft_buf_dispose(&list);
            dft_respond_field_error(r, "types", "unknown", "Not an event type webhooks carry.");
            return;
        }
        if (!(r->principal->scopes & dft_scope_bit(known[k].scope, strlen(known[k].scope)))) {
            dft_buf_dispose(&list);
            dft_respond_code(r, DFT_E_FORBIDDEN, "An event type needs the read scope of its family.");
            return;
        }
        dft_buf_printf(&list, "%s\"%s\"", i ? "," : "", name); /* names from the table above: no quoting needed */
    }
    dft_buf_puts(&list, "}");
    unsigned char raw[32];
    char secret[6 + 65];
    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        dft_buf_dispose(&list);
        dft_respond_code(r, DFT_E_INTERNAL, "No randomness.");
        return;
    }
    memcpy(secret, "whsec_", 6);
    for (int k = 0; k < 32; ++k)
        snprintf(secret + 6 + 2 * k, 3, "%02x", raw[k]);
    dft_wipe(raw, sizeof(raw));
    dft_buf_t sealed = {0};
    dft_seal_hex(seal_key, (const unsigned char *)secret, strlen(secret), &sealed);
    r->pending_data = h2o_strdup(&r->h2o->pool, secret, SIZE_MAX).base;
    dft_wipe(secret, sizeof(secret));
    const char *params[] = {url, list.data, sealed.data};
    dft_db_run(r, &scope, DFT_DB_WRITE, "webhook_create", params, 3, on_created, r);
    dft_buf_dispose(&list);
    dft_buf_dispose(&sealed);
}

static void get_webhooks(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (service_only(r) != 0 || dft_kit_dept_scope(r, &scope) != 0)
        return;
    dft_db_respond(r, &scope, DFT_DB_READ, "webhooks_list", NULL, 0);
}

static void delete_webhook(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (service_only(r) != 0 || dft_kit_dept_scope(r, &scope) != 0 ||
        dft_kit_path_uuid(r, "webhook_id", "No such webhook.", id) != 0)
        return;
    const char *params[] = {id};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "webhook_delete", params, 1);
}

static const char *const deliveries_query[] = {"status", NULL};
static const char *const statuses[] = {"pending", "delivered", "dead", NULL};

static void get_deliveries(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (service_only(r) != 0 || dft_kit_dept_scope(r, &scope) != 0 ||
        dft_kit_path_uuid(r, "webhook_id", "No such webhook.", id) != 0)
        return;
    const char *status = dft_kit_query_enum(r, "status", statuses, "");
    if (status == NULL)
        return;
    const char *params[] = {id, status};
    dft_db_respond(r, &scope, DFT_DB_READ, "webhook_deliveries", params, 2);
}

static void post_replay(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *delivery;
    if (service_only(r) != 0 || dft_kit_dept_scope(r, &scope) != 0 ||
        dft_kit_path_uuid(r, "webhook_id", "No such webhook.", id) != 0 ||
        (delivery = dft_kit_path_number(r, "delivery_id", INT64_MAX / 2, "No such delivery.")) == NULL)
        return;
    const char *params[] = {id, delivery};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "webhook_replay", params, 2);
}

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/webhooks", .name = "createWebhook", .handler = post_webhook,
     .scope = "webhooks"},
    {.method = "GET", .path = "/v1/departments/{dept}/webhooks", .name = "listWebhooks", .handler = get_webhooks,
     .scope = "webhooks"},
    {.method = "DELETE", .path = "/v1/departments/{dept}/webhooks/{webhook_id}", .name = "deleteWebhook",
     .handler = delete_webhook, .scope = "webhooks"},
    {.method = "GET", .path = "/v1/departments/{dept}/webhooks/{webhook_id}/deliveries", .name = "listWebhookDeliveries",
     .handler = get_deliveries, .query = deliveries_query, .scope = "webhooks"},
    {.method = "POST", .path = "/v1/departments/{dept}/webhooks/{webhook_id}/deliveries/{delivery_id}/replay",
     .name = "replayWebhookDelivery", .handler = post_replay, .scope = "webhooks"},
};
const dft_route_table_t dft_webhook_routes = {routes, DFT_ARRAY_SIZE(routes)};
