/*
 * routes.c — /v1/auth/token, /v1/auth/logout, /.well-known/jwks.json,
 * /v1/me, /v1/me/password and /v1/departments/{dept}/officers.
 *
 * A login is a flow of steps, each on the right thread:
 *   loop    decode and validate; look the officer up (catalog, read);
 *   worker  scrypt-verify the password (against a dummy hash when the UID is
 *           unknown, so both cost the same);
 *   loop    record the outcome (also for unknown UIDs: an UPDATE of no row),
 *           then on success sign the access token and answer.
 * Unknown UID, wrong password, locked or suspended account all get the same
 * 401 with the same body. A flow outlives its request only as a detached
 * struct: when the client leaves, the next step frees it and does no more.
 */
#include "auth.h"
#include "auth_internal.h"

#include "../core/core.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/worker.h"
#include "../kit/kit.h"
#include "../tenant/tenant.h"
#include "crypto.h"
#include "uid.h"

#include <jansson.h>
#include <stdatomic.h>
#include <stdint.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REFRESH_PREFIX "rt_"
#define REFRESH_LEN 46 /* "rt_" + 43 */

/* ------------------------------------------------------------ helpers */

static void bad_credentials(dft_req_t *r)
{
    dft_add_header(r, "www-authenticate", "Bearer realm=\"daftar\"");
    dft_respond_code(r, DFT_E_UNAUTHENTICATED,
                     "The UID, password or one-time code is not correct, or the account cannot sign in now.");
}

/* A refresh token that cannot be used (unknown, used, revoked, expired, or its officer's tokens
 * were ended): nothing to do with a UID or password, so not bad_credentials' words. */
static void refresh_refused(dft_req_t *r)
{
    dft_add_header(r, "www-authenticate", "Bearer realm=\"daftar\"");
    dft_respond_code(r, DFT_E_UNAUTHENTICATED,
                     "This refresh token cannot be used: it was used already, revoked or has expired. Sign in again.");
}

static void respond_tokens(dft_req_t *r, const char *access, const char *refresh, unsigned flags)
{
    dft_buf_t b = {0};
    dft_buf_printf(&b,
                   "{\"access_token\":\"%s\",\"token_type\":\"Bearer\",\"expires_in\":%lld,\"refresh_token\":\"%s\","
                   "\"password_change_required\":%s,\"second_factor_enrolment_required\":%s}",
                   access, (long long)dft_auth_params()->access_ttl, refresh,
                   flags & DFT_TOKEN_PWD_CHANGE ? "true" : "false", flags & DFT_TOKEN_OTP_ENROL ? "true" : "false");
    dft_respond_json(r, 200, b.data, b.len);
    dft_wipe(b.data, b.len);
    dft_buf_dispose(&b);
}

/* Signs an access token for the claims ({"clearance","depts"}) on this thread; NULL when no key can sign. */
static char *sign_access(dft_thread_t *t, const char *uid, const char *claims, unsigned flags)
{
    int64_t now = (int64_t)time(NULL);
    const dft_key_t *key = dft_auth_signing_key(t, now);
    if (key == NULL) {
        dft_log(DFT_LOG_ERROR, "keys", "no signing key usable now: run 'daftar keys rotate' and set master_key");
        return NULL;
    }
    return dft_token_issue(key->kid, key->private_pem, dft_auth_params(), uid, claims, flags, now);
}

/* ------------------------------------------------------------- flows */

typedef struct flow_t flow_t;
struct flow_t {
    dft_task_t task; /* first */
    dft_req_t *req;  /* NULL once the client has gone */
    int kind;        /* FLOW_LOGIN, FLOW_PASSWORD */
    char uid[DFT_UID_LEN + 1];
    char *password, *new_password, *hash, *new_hash, *claims, *totp_secret;
    int exists, usable, locked, must_change, otp, ok, totp_enabled, totp_required;
    int unhashed; /* the hash could not be computed (the helper process gone): 503, not a wrong password */
    uint64_t totp_last_step, step;
    json_int_t gen; /* the token generation of the credentials checked (a family starts in it) */
    char totp_code[8];
    char refresh[REFRESH_LEN + 1], refresh_hash[65];
    int admitted;     /* holds a hashing place (admission, below) */
    unsigned address; /* its address's bucket */
};

enum { FLOW_LOGIN, FLOW_PASSWORD };

static void wipe_free(char *s)
{
    if (s != NULL) {
        dft_wipe(s, strlen(s));
        free(s);
    }
}

/* ---------------------------------------------------------- admission
 *
 * Hashing admission. A password is hashed on the workers (scrypt, 128 MiB and
 * about 0.65 s at 2^17); attempts beyond what they can hash soon only wait,
 * holding memory and a connection, and one address could fill the queue for
 * everyone. So an attempt takes a place before anything is looked up or
 * counted: at most login_hashing_per_address from one client address (after
 * trusted proxies) and login_hashing_max in all, queued or hashing; past
 * either it is answered 429 with Retry-After at once. A place is given back
 * when its hash is done (or the flow ends first). Addresses share counters by
 * hash (4,096 buckets): a collision only makes two addresses share a bound. */
#define ADMISSION_BUCKETS 4096
static _Atomic unsigned admitted_by_address[ADMISSION_BUCKETS];
static _Atomic unsigned admitted_total;

static unsigned address_bucket(const char *addr)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)addr; *p != '\0'; ++p)
        h = (h ^ *p) * 16777619u;
    return h & (ADMISSION_BUCKETS - 1);
}

/* 0 with a place taken for f, or -1 when r's address or the server has no place left (nothing taken). */
static int admission_take(dft_req_t *r, flow_t *f)
{
    const dft_config_t *cf = r->thread->server->config;
    unsigned b = address_bucket(r->client_addr);
    if (atomic_fetch_add(&admitted_total, 1) >= (unsigned)cf->login_hashing_max) {
        atomic_fetch_sub(&admitted_total, 1);
        return -1;
    }
    if (atomic_fetch_add(&admitted_by_address[b], 1) >= (unsigned)cf->login_hashing_per_address) {
        atomic_fetch_sub(&admitted_by_address[b], 1);
        atomic_fetch_sub(&admitted_total, 1);
        return -1;
    }
    f->admitted = 1;
    f->address = b;
    return 0;
}

static void admission_give_back(flow_t *f)
{
    if (f->admitted) {
        f->admitted = 0;
        atomic_fetch_sub(&admitted_by_address[f->address], 1);
        atomic_fetch_sub(&admitted_total, 1);
    }
}

static void flow_free(flow_t *f)
{
    admission_give_back(f);
    if (f->req != NULL && f->req->pending == f)
        f->req->pending = NULL;
    wipe_free(f->password);
    wipe_free(f->new_password);
    free(f->hash);
    free(f->new_hash);
    free(f->claims);
    free(f->totp_secret);
    dft_wipe(f->refresh, sizeof(f->refresh));
    free(f);
}

static void flow_detach(void *p)
{
    ((flow_t *)p)->req = NULL;
}

static flow_t *flow_new(dft_req_t *r, int kind)
{
    flow_t *f = dft_calloc(1, sizeof(*f));
    f->req = r;
    f->kind = kind;
    r->pending = f;
    r->detach = flow_detach;
    return f;
}

/* Takes the looked-up officer into the flow; 0, or -1 on a database error (responded). */
static int take_lookup(flow_t *f, const dft_db_reply_t *reply)
{
    if (reply->err.code != DFT_OK) {
        dft_respond_error(f->req, &reply->err);
        return -1;
    }
    json_t *all = reply->value ? json_loadb(reply->value, reply->len, 0, NULL) : NULL;
    if (all == NULL) {
        dft_respond_code(f->req, DFT_E_INTERNAL, "auth_lookup returned unusable data");
        return -1;
    }
    if (strcmp(json_string_value(json_object_get(all, "status")) ?: "", "address_limited") == 0) {
        dft_error_t err = {.code = DFT_E_RATE_LIMITED, .detail = "Too many failed sign-ins from this address; retry later.",
                           .retry_after = 60};
        dft_respond_error(f->req, &err);
        json_decref(all);
        return -1;
    }
    json_t *j = json_object_get(all, "officer");
    const char *hash = json_string_value(json_object_get(j, "hash"));
    if (hash == NULL) {
        json_decref(all);
        return 0; /* unknown UID: exists = 0 */
    }
    f->exists = 1;
    f->hash = dft_strdup(hash);
    f->locked = json_is_true(json_object_get(j, "locked"));
    f->usable = json_is_true(json_object_get(j, "active")) && !f->locked;
    f->must_change = json_is_true(json_object_get(j, "must_change"));
    f->claims = json_dumps(json_object_get(j, "claims"), JSON_COMPACT);
    f->gen = json_integer_value(json_object_get(json_object_get(j, "claims"), "gen"));
    f->totp_enabled = json_is_true(json_object_get(j, "totp"));
    f->totp_required = json_is_true(json_object_get(j, "totp_required"));
    f->totp_last_step = (uint64_t)json_integer_value(json_object_get(j, "totp_last_step"));
    const char *secret = json_string_value(json_object_get(j, "totp_secret"));
    f->totp_secret = secret ? dft_strdup(secret) : NULL;
    json_decref(all);
    return 0;
}

/* The TOTP step matched by code (after `after`), 0 when none or the secret cannot be opened. */
static uint64_t totp_step(const char *secret_hex, const char *code, uint64_t after)
{
    dft_buf_t raw = {0};
    if (secret_hex == NULL || code == NULL || dft_auth_open(secret_hex, &raw) != 0)
        return 0;
    uint64_t step = dft_totp_match((unsigned char *)raw.data, raw.len, code, (int64_t)time(NULL), after);
    dft_wipe(raw.data, raw.len);
    dft_buf_dispose(&raw);
    return step;
}

static void totp_problem(dft_req_t *r, const char *reason, const char *message)
{
    dft_field_error_t *fe = h2o_mem_alloc_pool(&r->h2o->pool, sizeof(*fe));
    *fe = (dft_field_error_t){"totp", reason, message};
    dft_error_t err = {.code = DFT_E_UNAUTHENTICATED, .detail = message, .fields = fe, .num_fields = 1};
    dft_respond_error(r, &err);
}

static void run_verify(dft_task_t *task)
{
    flow_t *f = (flow_t *)task;
    const char *hash = f->hash ? f->hash : dft_password_dummy_hash();
    int match = dft_password_verify(f->password, strlen(f->password), hash);
    if (match < 0) {
        f->unhashed = 1;
        return;
    }
    f->ok = match && f->exists && f->usable;
    if (f->kind == FLOW_LOGIN && dft_password_needs_rehash(hash)) {
        /* a hash of an older, cheaper cost: right, store one at today's cost; wrong, pay what
         * today's cost would have (so the answer's time says nothing of the account) */
        dft_buf_t h = {0};
        if (f->ok && dft_password_hash(f->password, strlen(f->password), &h) == 0)
            f->new_hash = h.data;
        else if (!f->ok)
            dft_password_verify(f->password, strlen(f->password), dft_password_dummy_hash());
    }
    if (f->ok && f->kind == FLOW_PASSWORD) {
        dft_buf_t h = {0};
        if (dft_password_hash(f->new_password, strlen(f->new_password), &h) == 0)
            f->new_hash = h.data;
        else
            f->ok = 0, f->unhashed = 1;
    }
    if (f->ok) {
        dft_random_token(REFRESH_PREFIX, f->refresh);
        dft_sha256_hex(f->refresh, strlen(f->refresh), f->refresh_hash);
    }
}

static void on_login_recorded(void *ctx, const dft_db_reply_t *reply)
{
    flow_t *f = ctx;
    dft_req_t *r = f->req;
    if (r == NULL) {
        flow_free(f);
        return;
    }
    if (reply->err.code != DFT_OK) {
        dft_respond_error(r, &reply->err);
    } else if (reply->value != NULL && strcmp(reply->value, "replay") == 0) {
        totp_problem(r, "replayed", "This one-time code was used already; wait for the next one.");
    } else {
        unsigned flags = (f->otp ? DFT_TOKEN_OTP : 0) | (f->must_change ? DFT_TOKEN_PWD_CHANGE : 0) |
                         (f->totp_required && !f->totp_enabled ? DFT_TOKEN_OTP_ENROL : 0);
        char *access = sign_access(r->thread, f->uid, f->claims, flags);
        if (access == NULL)
            dft_respond_code(r, DFT_E_UNAVAILABLE, "Tokens cannot be issued right now.");
        else
            respond_tokens(r, access, f->refresh, flags);
        wipe_free(access);
    }
    flow_free(f);
}

static void on_password_set(void *ctx, const dft_db_reply_t *reply);

static void on_verified(dft_task_t *task)
{
    flow_t *f = (flow_t *)task;
    admission_give_back(f); /* hashed: the place is free for the next attempt */
    dft_req_t *r = f->req;
    if (r == NULL) {
        flow_free(f);
        return;
    }
    if (f->unhashed) {
        dft_error_t err = {.code = DFT_E_UNAVAILABLE, .detail = "Passwords cannot be checked right now; retry shortly.",
                           .retry_after = 2};
        dft_respond_error(r, &err);
        flow_free(f);
        return;
    }
    char ttl[24];
    snprintf(ttl, sizeof(ttl), "%lld", (long long)r->thread->server->config->refresh_ttl);
    if (f->kind == FLOW_PASSWORD) {
        if (!f->ok && f->locked) { /* guesses of the current password count as failed sign-ins */
            dft_error_t err = {.code = DFT_E_RATE_LIMITED, .detail = "Too many wrong passwords; retry later.",
                               .retry_after = 60};
            dft_respond_error(r, &err);
        } else if (!f->ok) {
            dft_respond_field_error(r, "current_password", "incorrect", "The current password is not correct.");
        }
        if (!f->ok) {
            flow_free(f);
            return;
        }
        const char *params[] = {f->new_hash, f->refresh_hash, "{pwd}", ttl};
        dft_db_run_for(r, NULL, DFT_DB_WRITE, "me_password_set", params, 4, on_password_set, f);
        return;
    }
    if (f->ok && f->totp_enabled) {
        f->step = totp_step(f->totp_secret, f->totp_code[0] ? f->totp_code : NULL, f->totp_last_step);
        f->otp = f->step != 0;
        f->ok = f->otp;
    }
    if (!f->ok) {
        /* login_begin has counted the attempt. One answer for every failure, the second factor's
         * included, so that it never tells whether the password alone was right. */
        bad_credentials(r);
        flow_free(f);
        return;
    }
    char step[24], gen[24];
    snprintf(step, sizeof(step), "%llu", (unsigned long long)f->step);
    snprintf(gen, sizeof(gen), "%lld", (long long)f->gen);
    const char *params[] = {f->uid, f->refresh_hash, f->otp ? "{pwd,otp}" : "{pwd}", ttl, step, f->hash, f->new_hash, gen};
    dft_db_run_for(r, NULL, DFT_DB_WRITE, "auth_login_ok", params, 8, on_login_recorded, f);
}

static void on_looked_up(void *ctx, const dft_db_reply_t *reply);

/* Reserves the attempt (a login, or a guess of the current password) before anything is hashed. */
static void login_begin(dft_req_t *r, flow_t *f)
{
    const dft_config_t *cf = r->thread->server->config;
    if (admission_take(r, f) != 0) {
        dft_error_t err = {.code = DFT_E_RATE_LIMITED, .detail = "Too many sign-ins are being checked; retry shortly.",
                           .retry_after = 2};
        dft_respond_error(r, &err);
        flow_free(f);
        return;
    }
    char address_limit[24], account_limit[24];
    snprintf(address_limit, sizeof(address_limit), "%lld", (long long)cf->login_address_limit);
    snprintf(account_limit, sizeof(account_limit), "%lld", (long long)cf->login_account_limit);
    const char *params[] = {f->uid, address_limit, account_limit};
    dft_db_run_for(r, NULL, DFT_DB_WRITE, "auth_login_begin", params, 3, on_looked_up, f);
}

static void on_looked_up(void *ctx, const dft_db_reply_t *reply)
{
    flow_t *f = ctx;
    if (f->req == NULL) {
        flow_free(f);
        return;
    }
    if (take_lookup(f, reply) != 0) {
        flow_free(f);
        return;
    }
    f->task.run = run_verify;
    f->task.done = on_verified;
    if (dft_worker_submit(f->req->thread, &f->task) != 0) {
        dft_error_t err = {.code = DFT_E_UNAVAILABLE, .detail = "Too many sign-ins at once; retry shortly.", .retry_after = 2};
        dft_respond_error(f->req, &err);
        flow_free(f);
    }
}

static void password_grant(dft_req_t *r, json_t *body)
{
    static const char *const allowed[] = {"grant_type", "uid", "password", "totp", NULL};
    if (dft_body_only_fields(r, body, allowed) != 0)
        return;
    const char *uid = dft_body_string(r, body, "uid", 32), *password;
    if (uid == NULL)
        return;
    if (!dft_uid_valid(uid, strlen(uid))) {
        dft_respond_field_error(r, "uid", "check_digit", "This is not a valid UID: check it for a typing mistake.");
        return;
    }
    if ((password = dft_body_string(r, body, "password", 256)) == NULL)
        return;
    json_t *totp = json_object_get(body, "totp");
    if (totp != NULL && (!json_is_string(totp) || json_string_length(totp) != 6 ||
                         strspn(json_string_value(totp), "0123456789") != 6)) {
        dft_respond_field_error(r, "totp", "invalid", "totp must be the 6-digit code from the authenticator.");
        return;
    }
    flow_t *f = flow_new(r, FLOW_LOGIN);
    memcpy(f->uid, uid, DFT_UID_LEN + 1);
    f->password = dft_strdup(password);
    if (totp != NULL)
        memcpy(f->totp_code, json_string_value(totp), 7);
    login_begin(r, f);
}

/* ---- refresh ---- */

typedef struct refresh_t {
    char refresh[REFRESH_LEN + 1];
    unsigned char key[32]; /* seals the successor: from the presented token, which the catalog never holds */
} refresh_t;

/* The key that seals a token's successor (catalog 0025): HKDF of SHA-256 over a label and the
 * token. The catalog keeps SHA-256 of the bare token only, from which this does not follow. */
static void successor_key(const char *token, unsigned char key[32])
{
    unsigned char ikm[32];
    dft_buf_t b = {0};
    dft_buf_puts(&b, "daftar-refresh-successor:");
    dft_buf_puts(&b, token);
    EVP_Digest(b.data, b.len, ikm, NULL, EVP_sha256(), NULL);
    dft_wipe(b.data, b.len);
    dft_buf_dispose(&b);
    dft_hkdf32(ikm, "daftar refresh successor", key);
    dft_wipe(ikm, sizeof(ikm));
}

static void refresh_dispose(void *p)
{
    dft_wipe(p, sizeof(refresh_t));
}

static void on_rotated(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx; /* attached job: runs only while r exists */
    refresh_t *rt = r->pending_data;
    if (reply->err.code != DFT_OK) {
        dft_respond_error(r, &reply->err);
        return;
    }
    json_t *j = reply->value ? json_loadb(reply->value, reply->len, 0, NULL) : NULL;
    const char *status = json_string_value(json_object_get(j, "status"));
    int replay = status != NULL && strcmp(status, "replay") == 0;
    if (replay) { /* the same successor again: open what the first rotation sealed */
        dft_buf_t plain = {0};
        const char *sealed = json_string_value(json_object_get(j, "successor"));
        if (sealed == NULL || dft_open_hex(rt->key, sealed, &plain) != 0 || plain.len != REFRESH_LEN) {
            dft_log(DFT_LOG_WARN, "auth", "request %s: a replayed refresh token's successor does not open", r->request_id);
            status = NULL;
        } else {
            memcpy(rt->refresh, plain.data, REFRESH_LEN);
            dft_log(DFT_LOG_INFO, "auth", "request %s: refresh token replayed within the window: same successor",
                    r->request_id);
        }
        dft_wipe(plain.data, plain.len);
        dft_buf_dispose(&plain);
    }
    if (status == NULL || (strcmp(status, "ok") != 0 && !replay)) {
        if (status != NULL && strcmp(status, "reuse") == 0)
            dft_log(DFT_LOG_WARN, "auth", "request %s: refresh token reused: family revoked", r->request_id);
        json_decref(j);
        refresh_refused(r);
        return;
    }
    char *claims = json_dumps(json_object_get(j, "claims"), JSON_COMPACT);
    const char *uid = json_string_value(json_object_get(j, "uid"));
    int otp = 0;
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(j, "amr"), i, m) otp |= json_string_value(m) && strcmp(json_string_value(m), "otp") == 0;
    unsigned flags = (otp ? DFT_TOKEN_OTP : 0) | (json_is_true(json_object_get(j, "must_change")) ? DFT_TOKEN_PWD_CHANGE : 0) |
                     (json_is_true(json_object_get(j, "otp_enrol")) ? DFT_TOKEN_OTP_ENROL : 0);
    char *access = uid && claims ? sign_access(r->thread, uid, claims, flags) : NULL;
    if (access == NULL)
        dft_respond_code(r, DFT_E_UNAVAILABLE, "Tokens cannot be issued right now.");
    else
        respond_tokens(r, access, rt->refresh, flags);
    wipe_free(access);
    free(claims);
    json_decref(j);
}

static int refresh_valid(const char *s)
{
    if (strlen(s) != REFRESH_LEN || strncmp(s, REFRESH_PREFIX, 3) != 0)
        return 0;
    for (const char *p = s + 3; *p; ++p)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

static void refresh_grant(dft_req_t *r, json_t *body)
{
    static const char *const allowed[] = {"grant_type", "refresh_token", NULL};
    if (dft_body_only_fields(r, body, allowed) != 0)
        return;
    const char *old = dft_body_string(r, body, "refresh_token", DFT_AUTH_MAX_TOKEN);
    if (old == NULL)
        return;
    if (!refresh_valid(old)) {
        refresh_refused(r); /* an access token or garbage: not a refresh token */
        return;
    }
    refresh_t *rt = h2o_mem_alloc_shared(&r->h2o->pool, sizeof(*rt), refresh_dispose);
    r->pending_data = rt;
    char old_hash[65], new_hash[65], ttl[24], window[24];
    dft_sha256_hex(old, strlen(old), old_hash);
    dft_random_token(REFRESH_PREFIX, rt->refresh);
    dft_sha256_hex(rt->refresh, strlen(rt->refresh), new_hash);
    successor_key(old, rt->key);
    dft_buf_t sealed = {0};
    dft_seal_hex(rt->key, (const unsigned char *)rt->refresh, REFRESH_LEN, &sealed);
    dft_buf_append(&sealed, "", 1);
    snprintf(ttl, sizeof(ttl), "%lld", (long long)r->thread->server->config->refresh_ttl);
    snprintf(window, sizeof(window), "%lld", (long long)r->thread->server->config->refresh_replay_s);
    const char *params[] = {old_hash, new_hash, ttl, h2o_strdup(&r->h2o->pool, sealed.data, SIZE_MAX).base, window};
    dft_buf_dispose(&sealed);
    dft_db_run(r, NULL, DFT_DB_WRITE, "auth_refresh", params, 5, on_rotated, r);
}

/* ---- client credentials (service accounts) ---- */

typedef struct client_t {
    char secret_hash[65];
    char client_id[24];
} client_t;

static void on_client(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    client_t *cl = r->pending_data;
    if (reply->err.code != DFT_OK) {
        dft_respond_error(r, &reply->err);
        return;
    }
    json_t *j = reply->value ? json_loadb(reply->value, reply->len, 0, NULL) : NULL;
    const char *want = json_string_value(json_object_get(j, "secret_hash"));
    static const char none[65];
    const char *cmp = want != NULL && strlen(want) == 64 ? want : none; /* compare for unknown clients too */
    int match = CRYPTO_memcmp(cl->secret_hash, cmp, 64) == 0 && cmp != none;
    dft_wipe(cl->secret_hash, sizeof(cl->secret_hash));
    if (!match || !json_is_true(json_object_get(j, "active"))) {
        json_decref(j);
        bad_credentials(r);
        return;
    }
    json_t *claims = json_object_get(j, "claims");
    json_object_set(claims, "scope", json_object_get(j, "scope"));
    char *cj = json_dumps(claims, JSON_COMPACT);
    char *access = cj ? sign_access(r->thread, cl->client_id, cj, DFT_TOKEN_CLIENT) : NULL;
    free(cj);
    json_decref(j);
    if (access == NULL) {
        dft_respond_code(r, DFT_E_UNAVAILABLE, "Tokens cannot be issued right now.");
        return;
    }
    dft_buf_t b = {0};
    dft_buf_printf(&b, "{\"access_token\":\"%s\",\"token_type\":\"Bearer\",\"expires_in\":%lld}", access,
                   (long long)dft_auth_params()->access_ttl);
    dft_respond_json(r, 200, b.data, b.len);
    dft_wipe(b.data, b.len);
    dft_buf_dispose(&b);
    wipe_free(access);
}

static void client_grant(dft_req_t *r, json_t *body)
{
    static const char *const allowed[] = {"grant_type", "client_id", "client_secret", NULL};
    if (dft_body_only_fields(r, body, allowed) != 0)
        return;
    const char *id = dft_body_string(r, body, "client_id", 64), *secret;
    if (id == NULL || (secret = dft_body_string(r, body, "client_secret", 256)) == NULL)
        return;
    if (!dft_client_id_valid(id, strlen(id))) {
        bad_credentials(r);
        return;
    }
    client_t *cl = h2o_mem_alloc_pool(&r->h2o->pool, sizeof(*cl));
    dft_sha256_hex(secret, strlen(secret), cl->secret_hash);
    snprintf(cl->client_id, sizeof(cl->client_id), "%s", id);
    r->pending_data = cl;
    const char *params[] = {id};
    dft_db_run(r, NULL, DFT_DB_READ, "auth_client_lookup", params, 1, on_client, r);
}

static void post_token(dft_req_t *r)
{
    dft_error_t err;
    json_t *body = dft_req_json_body(r, &err);
    if (body == NULL) {
        dft_respond_error(r, &err);
        return;
    }
    const char *grant = json_string_value(json_object_get(body, "grant_type"));
    if (grant != NULL && strcmp(grant, "password") == 0)
        password_grant(r, body);
    else if (grant != NULL && strcmp(grant, "refresh_token") == 0)
        refresh_grant(r, body);
    else if (grant != NULL && strcmp(grant, "client_credentials") == 0)
        client_grant(r, body);
    else
        dft_respond_field_error(r, "grant_type", "unsupported",
                                "grant_type must be password, refresh_token or client_credentials.");
}

/* ---- logout ---- */

static void on_logged_out(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else
        dft_respond(r, 204, NULL, h2o_iovec_init(NULL, 0));
}

static void post_logout(dft_req_t *r)
{
    static const char *const allowed[] = {"refresh_token", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *token = dft_body_string(r, body, "refresh_token", 128);
    if (token == NULL)
        return;
    if (!refresh_valid(token)) { /* nothing to revoke; answer as for a known one */
        dft_respond(r, 204, NULL, h2o_iovec_init(NULL, 0));
        return;
    }
    char hash[65];
    dft_sha256_hex(token, strlen(token), hash);
    const char *params[] = {hash};
    dft_db_run(r, NULL, DFT_DB_WRITE, "auth_logout", params, 1, on_logged_out, r);
}

/* ---- me ---- */

static void get_me(dft_req_t *r)
{
    dft_db_respond(r, NULL, DFT_DB_READ, "me_get", NULL, 0);
}

/* GET /v1/me/data: everything held about the caller, one part per scope:
 * {"identity": GET /v1/me's object, "<scope>": me_data_<scope> for each
 * statewide scope}; each part read as the caller alone, under that scope's
 * role and policies. A family that keeps personal data in a scope adds to
 * its me_data_<scope> statement. */
typedef struct my_data_t {
    dft_flow_t flow;
    size_t next; /* the statewide scope to read next */
    dft_buf_t out;
} my_data_t;

static void my_data_dispose(dft_flow_t *f)
{
    dft_buf_dispose(&((my_data_t *)f)->out);
}

static void my_data_step(void *ctx, const dft_db_reply_t *reply)
{
    my_data_t *d = ctx;
    dft_req_t *r = dft_flow_request(&d->flow);
    if (r == NULL || dft_flow_failed(&d->flow, reply, "No such officer.") != 0)
        return;
    dft_buf_append(&d->out, reply->value, reply->len);
    if (d->next == dft_tenant_num_states()) {
        dft_buf_puts(&d->out, "}");
        dft_respond_json(r, 200, d->out.data, d->out.len);
        dft_flow_free(&d->flow);
        return;
    }
    const char *name = dft_tenant_state_name(d->next++);
    dft_db_scope_t scope;
    dft_code_t rc = dft_tenant_state(r, name, NULL, &scope);
    if (rc != DFT_OK) {
        dft_respond_code(r, rc, NULL);
        dft_flow_free(&d->flow);
        return;
    }
    char stmt[64];
    snprintf(stmt, sizeof(stmt), "me_data_%s", name);
    dft_buf_printf(&d->out, ",\"%s\":", name);
    dft_db_run_for(r, &scope, DFT_DB_READ, stmt, NULL, 0, my_data_step, d);
}

static void get_my_data(dft_req_t *r)
{
    my_data_t *d = dft_flow_new(sizeof(*d), r, NULL, my_data_dispose);
    dft_buf_puts(&d->out, "{\"identity\":");
    dft_db_run_for(r, NULL, DFT_DB_READ, "me_get", NULL, 0, my_data_step, d);
}

static void on_password_set(void *ctx, const dft_db_reply_t *reply)
{
    flow_t *f = ctx;
    dft_req_t *r = f->req;
    if (r == NULL) {
        flow_free(f);
        return;
    }
    if (reply->err.code != DFT_OK) {
        dft_respond_error(r, &reply->err);
    } else {
        const dft_principal_t *p = r->principal; /* the claims of the new generation come back from the change */
        char *claims = reply->value ? dft_strndup(reply->value, reply->len) : NULL;
        unsigned flags = (p->otp ? DFT_TOKEN_OTP : 0) | (p->otp_enrol ? DFT_TOKEN_OTP_ENROL : 0);
        char *access = claims ? sign_access(r->thread, f->uid, claims, flags) : NULL;
        free(claims);
        if (access == NULL)
            dft_respond_code(r, DFT_E_UNAVAILABLE, "Tokens cannot be issued right now.");
        else
            respond_tokens(r, access, f->refresh, flags);
        wipe_free(access);
    }
    flow_free(f);
}

/* Routes about an officer's own credentials; 0, or -1 after a 403 for service accounts. */
static int officer_only(dft_req_t *r)
{
    if (!r->principal->service)
        return 0;
    dft_respond_code(r, DFT_E_FORBIDDEN, "Service accounts have no password or second factor.");
    return -1;
}

static void post_me_password(dft_req_t *r)
{
    if (officer_only(r) != 0)
        return;
    static const char *const allowed[] = {"current_password", "new_password", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *current = dft_body_string(r, body, "current_password", 256), *next;
    if (current == NULL || (next = dft_body_string(r, body, "new_password", 256)) == NULL)
        return;
    if (strlen(next) < 12) {
        dft_respond_field_error(r, "new_password", "too_short", "The new password needs at least 12 characters.");
        return;
    }
    if (strcmp(current, next) == 0) {
        dft_respond_field_error(r, "new_password", "unchanged", "The new password must differ from the current one.");
        return;
    }
    flow_t *f = flow_new(r, FLOW_PASSWORD);
    snprintf(f->uid, sizeof(f->uid), "%s", r->officer_uid);
    f->password = dft_strdup(current);
    f->new_password = dft_strdup(next);
    login_begin(r, f);
}

/* ---- second factor ---- */

typedef struct totp_new_t {
    char secret_b32[40];
} totp_new_t;

static void on_totp_begun(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    totp_new_t *tn = r->pending_data;
    if (reply->err.code != DFT_OK) {
        dft_respond_error(r, &reply->err);
        return;
    }
    dft_buf_t b = {0};
    dft_buf_printf(&b,
                   "{\"secret\":\"%s\",\"otpauth_uri\":\"otpauth://totp/daftar:%s?secret=%s&issuer=daftar&algorithm=SHA1"
                   "&digits=6&period=30\"}",
                   tn->secret_b32, r->officer_uid, tn->secret_b32);
    dft_respond_json(r, 201, b.data, b.len);
    dft_wipe(b.data, b.len);
    dft_buf_dispose(&b);
    dft_wipe(tn->secret_b32, sizeof(tn->secret_b32));
}

static void post_totp(dft_req_t *r)
{
    if (officer_only(r) != 0)
        return;
    if (!dft_auth_can_seal()) {
        dft_respond_code(r, DFT_E_UNAVAILABLE, "Second factors cannot be enrolled on this server.");
        return;
    }
    unsigned char raw[20];
    if (RAND_bytes(raw, sizeof(raw)) != 1)
        dft_fatal("RAND_bytes failed");
    totp_new_t *tn = h2o_mem_alloc_pool(&r->h2o->pool, sizeof(*tn));
    dft_base32_encode(raw, sizeof(raw), tn->secret_b32);
    r->pending_data = tn;
    dft_buf_t sealed = {0};
    dft_auth_seal(raw, sizeof(raw), &sealed);
    dft_wipe(raw, sizeof(raw));
    const char *params[] = {sealed.data};
    dft_db_run(r, NULL, DFT_DB_WRITE, "totp_begin", params, 1, on_totp_begun, r);
    dft_buf_dispose(&sealed);
}

typedef struct totp_confirm_t {
    char code[8];
} totp_confirm_t;

static void on_totp_confirmed(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else
        dft_respond(r, 204, NULL, h2o_iovec_init(NULL, 0));
}

static void on_totp_lookup(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    totp_confirm_t *tc = r->pending_data;
    if (reply->err.code != DFT_OK) {
        dft_respond_error(r, &reply->err);
        return;
    }
    json_t *all = reply->value ? json_loadb(reply->value, reply->len, 0, NULL) : NULL, *j = json_object_get(all, "officer");
    const char *secret = json_string_value(json_object_get(j, "totp_secret"));
    if (json_is_true(json_object_get(j, "totp")) || secret == NULL) {
        json_decref(all);
        dft_respond_code(r, DFT_E_CONFLICT, "Nothing to confirm: start enrolment first.");
        return;
    }
    uint64_t step = totp_step(secret, tc->code, (uint64_t)json_integer_value(json_object_get(j, "totp_last_step")));
    json_decref(all);
    if (step == 0) {
        dft_respond_field_error(r, "code", "invalid", "The code does not match; check the authenticator's clock.");
        return;
    }
    char s[24];
    snprintf(s, sizeof(s), "%llu", (unsigned long long)step);
    const char *params[] = {s};
    dft_db_run(r, NULL, DFT_DB_WRITE, "totp_confirm", params, 1, on_totp_confirmed, r);
}

static void post_totp_confirm(dft_req_t *r)
{
    if (officer_only(r) != 0)
        return;
    static const char *const allowed[] = {"code", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *code = dft_body_string(r, body, "code", 6);
    if (code == NULL)
        return;
    if (strlen(code) != 6 || strspn(code, "0123456789") != 6) {
        dft_respond_field_error(r, "code", "invalid", "code must be the 6-digit code from the authenticator.");
        return;
    }
    totp_confirm_t *tc = h2o_mem_alloc_pool(&r->h2o->pool, sizeof(*tc));
    memcpy(tc->code, code, 7);
    r->pending_data = tc;
    const char *params[] = {r->officer_uid};
    dft_db_run(r, NULL, DFT_DB_READ, "auth_lookup", params, 1, on_totp_lookup, r);
}

static void on_totp_disabled(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else
        dft_respond(r, 204, NULL, h2o_iovec_init(NULL, 0));
}

static void delete_officer_totp(dft_req_t *r)
{
    const dft_str_t *code = dft_req_param(r, "dept"), *uid = dft_req_param(r, "uid");
    dft_db_scope_t scope;
    dft_code_t rc = dft_tenant_resolve(r, code, &scope);
    if (rc != DFT_OK) {
        dft_respond_code(r, rc, rc == DFT_E_NOT_FOUND ? "No department has this code." : NULL);
        return;
    }
    if (!(dft_principal_roles(r->principal, code->base, code->len) & DFT_ROLE_DEPT_ADMIN)) {
        dft_respond_code(r, DFT_E_FORBIDDEN, "Only the department's administrators may reset a second factor.");
        return;
    }
    if (!dft_uid_valid(uid->base, uid->len)) {
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such officer in this department.");
        return;
    }
    char u[DFT_UID_LEN + 1], dept[32];
    snprintf(u, sizeof(u), "%.*s", (int)uid->len, uid->base);
    snprintf(dept, sizeof(dept), "%.*s", (int)code->len, code->base);
    const char *params[] = {u, dept};
    dft_db_run(r, NULL, DFT_DB_WRITE, "totp_disable", params, 2, on_totp_disabled, r);
}

/* ---- jwks ---- */

static void get_jwks(dft_req_t *r)
{
    const dft_keyring_t *ring = dft_auth_keyring(r->thread);
    if (ring == NULL) {
        dft_respond_code(r, DFT_E_UNAVAILABLE, "The key ring is not loaded yet.");
        return;
    }
    dft_add_header(r, "cache-control", "public, max-age=300");
    dft_respond(r, 200, "application/jwk-set+json", h2o_strdup(&r->h2o->pool, ring->jwks, ring->jwks_len));
}

/* ---- department officers (dept_admin, hr_admin) and the directory (any member) ---- */

/* {dept} resolved for a caller holding one of `roles` there (0: any membership) into dept[32];
 * 0, or -1 after responding with `refusal`. */
static int member_of_dept(dft_req_t *r, uint32_t roles, const char *refusal, char dept[32])
{
    const dft_str_t *code = dft_req_param(r, "dept");
    dft_db_scope_t scope;
    dft_code_t rc = dft_tenant_resolve(r, code, &scope);
    if (rc != DFT_OK) {
        dft_respond_code(r, rc, rc == DFT_E_NOT_FOUND ? "No department has this code." : NULL);
        return -1;
    }
    uint32_t held = dft_principal_roles(r->principal, code->base, code->len);
    if (roles == 0 ? held == 0 : (held & roles) == 0) {
        dft_respond_code(r, DFT_E_FORBIDDEN, refusal);
        return -1;
    }
    snprintf(dept, 32, "%.*s", (int)code->len, code->base);
    return 0;
}

static void list_officers(dft_req_t *r)
{
    char dept[32], limit[8], cursor[16];
    if (member_of_dept(r, DFT_ROLE_DEPT_ADMIN | DFT_ROLE_HR_ADMIN, "Only the department's administrators may list its "
                       "officers; its members may search its directory.", dept) != 0 || dft_req_limit(r, limit) != 0)
        return;
    const dft_str_t *c = dft_req_query(r, "cursor");
    if (c != NULL && c->len > 0 && !dft_uid_valid(c->base, c->len)) {
        dft_respond_field_error(r, "cursor", "malformed", "cursor must be a next_cursor value from a previous page.");
        return;
    }
    snprintf(cursor, sizeof(cursor), "%.*s", c ? (int)c->len : 0, c ? c->base : "");
    const char *params[] = {dept, cursor, limit};
    dft_db_respond(r, NULL, DFT_DB_READ, "officers_list", params, 3);
}

/* Who is who in the department, for pickers (forward to, delegate to): any member may
 * search it; it shows UID, name, designation and section, nothing personal. */
static void get_directory(dft_req_t *r)
{
    char dept[32], limit[8];
    if (member_of_dept(r, 0, "Only the department's members may read its directory.", dept) != 0 ||
        dft_req_limit(r, limit) != 0)
        return;
    const dft_str_t *q = dft_req_query(r, "q");
    if (q != NULL && dft_utf8_chars(q->base, q->len) > 100) {
        dft_respond_field_error(r, "q", "too_long", "q is at most 100 characters.");
        return;
    }
    const char *text = q != NULL ? h2o_strdup(&r->h2o->pool, q->base, q->len).base : "";
    const char *params[] = {dept, text, limit};
    dft_db_respond(r, NULL, DFT_DB_READ, "directory", params, 3);
}

static const char *const page_query[] = {"limit", "cursor", NULL};
static const char *const directory_query[] = {"q", "limit", NULL};

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/auth/token", .name = "createToken", .handler = post_token, .flags = DFT_ROUTE_PUBLIC},
    {.method = "POST", .path = "/v1/auth/logout", .name = "logout", .handler = post_logout, .flags = DFT_ROUTE_PUBLIC},
    {.method = "GET", .path = "/.well-known/jwks.json", .name = "jwks", .handler = get_jwks, .flags = DFT_ROUTE_PUBLIC},
    {.method = "GET", .path = "/v1/me", .name = "getMe", .handler = get_me, .flags = DFT_ROUTE_SETUP},
    {.method = "GET", .path = "/v1/me/data", .name = "getMyData", .handler = get_my_data},
    {.method = "POST", .path = "/v1/me/password", .name = "changePassword", .handler = post_me_password,
     .flags = DFT_ROUTE_SETUP},
    {.method = "POST", .path = "/v1/me/totp", .name = "enrolSecondFactor", .handler = post_totp, .flags = DFT_ROUTE_SETUP},
    {.method = "POST", .path = "/v1/me/totp/confirm", .name = "confirmSecondFactor", .handler = post_totp_confirm,
     .flags = DFT_ROUTE_SETUP},
    {.method = "GET", .path = "/v1/departments/{dept}/officers", .name = "listOfficers", .handler = list_officers,
     .query = page_query},
    {.method = "GET", .path = "/v1/departments/{dept}/directory", .name = "getDirectory", .handler = get_directory,
     .query = directory_query},
    {.method = "DELETE", .path = "/v1/departments/{dept}/officers/{uid}/totp", .name = "resetSecondFactor",
     .handler = delete_officer_totp},
};

const dft_route_table_t dft_auth_routes = {routes, DFT_ARRAY_SIZE(routes)};
