/*
 * state.c — what each event-loop thread keeps for authentication, and the
 * hook that authenticates a request.
 *
 * Per thread, each replaced whole when its feed reloads (NOTIFY):
 *   key ring     signing keys: public PEMs for verification, the JWKS
 *                document, and private PEMs (decrypted with the master key)
 *                for signing;
 *   revocations  officer UID -> the token generation below which its
 *                tokens are refused (suspension: all; password change or
 *                reset, membership change: the older ones);
 * a cache of verified tokens so the steady state does no signature work
 * (libjwt re-parses the PEM on every verify; a cached token is still checked
 * against expiry and revocations on every request); and a cache of officers:
 * what a principal may do (memberships, roles, clearance) is not in its
 * token but in the catalog, read on first use and dropped when it changes
 * (NOTIFY daftar_officers), so a role granted or revoked counts from the
 * next request and a token stays a few hundred bytes. Misses are coalesced:
 * the requests of one officer that miss at once (an app opening its event
 * streams, 10,000 streams connecting together in bench/events) wait for one
 * read of the session, so a burst costs a statement an officer, not a
 * request, and stays under the thread's db_queue_max.
 */
#include "auth.h"
#include "auth_internal.h"

#include "../core/core.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/worker.h"
#include "crypto.h"

#include <jansson.h>
#include <openssl/rand.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CACHE_SIZE 4096 /* verified tokens remembered per thread (direct-mapped) */

typedef struct revocation_t {
    char uid[24]; /* officer UID or service client id */
    int64_t gen; /* tokens of an older generation are refused */
} revocation_t;

/* A verified token: who and which session (the principal without its memberships). */
typedef struct cache_entry_t {
    uint64_t hash;
    char *token;
    size_t len;
    dft_principal_t principal;
} cache_entry_t;

/* What a principal may do, as daftar.principal_session gave it: h2o shared
 * memory, one reference held by the cache and one by each request using it. */
typedef struct officer_t {
    dft_clearance_t clearance;
    size_t num_memberships;
    dft_membership_t memberships[];
} officer_t;

/* The officer cache: OFFICER_SETS sets of OFFICER_WAYS entries; a principal
 * goes in the set of its id's hash, displacing the least recently used entry
 * of a full set. 4,096 officers a thread; an entry is about 100 bytes plus 36
 * a membership. */
#define OFFICER_SETS 1024
#define OFFICER_WAYS 4

typedef struct officer_slot_t {
    char id[24]; /* "" = empty */
    uint64_t used;
    officer_t *officer;
} officer_slot_t;

/* A read of an officer's session in flight, and the requests waiting for it. */
typedef struct fill_waiter_t {
    struct fill_waiter_t *next;
    dft_req_t *req; /* NULL once the request has gone (detached) */
    dft_principal_t token;
} fill_waiter_t;

typedef struct fill_t {
    struct fill_t *next;
    dft_thread_t *thread;
    char uid[24];
    uint64_t epoch; /* officer changes heard when it was asked: one heard since, and it is not cached */
    fill_waiter_t *waiters;
} fill_t;

typedef struct auth_thread_t {
    dft_keyring_t *ring;
    revocation_t *revs;
    size_t num_revs;
    cache_entry_t *cache;
    officer_slot_t *officers;
    uint64_t tick;  /* officer lookups, for least-recent use */
    uint64_t epoch; /* officer changes heard: a session read before one is not cached */
    fill_t *fills;  /* sessions being read */
} auth_thread_t;

static dft_server_t *server;
static dft_auth_params_t params;
static unsigned char master_key[32];
static int have_master_key;

const dft_auth_params_t *dft_auth_params(void)
{
    return &params;
}

static auth_thread_t *state(dft_thread_t *t)
{
    if (t->auth == NULL) {
        auth_thread_t *a = dft_calloc(1, sizeof(*a));
        a->cache = dft_calloc(CACHE_SIZE, sizeof(cache_entry_t));
        a->officers = dft_calloc(OFFICER_SETS * OFFICER_WAYS, sizeof(officer_slot_t));
        t->auth = a;
    }
    return t->auth;
}

/* ------------------------------------------------------------- key ring */

static void ring_free(dft_keyring_t *ring)
{
    if (ring == NULL)
        return;
    for (size_t i = 0; i < ring->num_keys; ++i) {
        free(ring->keys[i].public_pem);
        if (ring->keys[i].private_pem != NULL) {
            dft_wipe(ring->keys[i].private_pem, strlen(ring->keys[i].private_pem));
            free(ring->keys[i].private_pem);
        }
    }
    free(ring->keys);
    free(ring->jwks);
    free(ring);
}

static int apply_keys(dft_thread_t *t, const char *json, size_t len)
{
    json_t *list = json_loadb(json, len, 0, NULL);
    if (!json_is_array(list)) {
        json_decref(list);
        return -1;
    }
    dft_keyring_t *ring = dft_calloc(1, sizeof(*ring));
    ring->keys = dft_calloc(json_array_size(list) + 1, sizeof(dft_key_t));
    dft_buf_t jwks = {0};
    dft_buf_puts(&jwks, "{\"keys\":[");
    size_t i;
    json_t *k;
    json_array_foreach(list, i, k)
    {
        const char *kid = json_string_value(json_object_get(k, "kid"));
        const char *pub = json_string_value(json_object_get(k, "public_pem"));
        const char *enc = json_string_value(json_object_get(k, "private_enc"));
        if (kid == NULL || pub == NULL || strlen(kid) >= sizeof(ring->keys[0].kid))
            continue;
        dft_key_t *key = &ring->keys[ring->num_keys];
        snprintf(key->kid, sizeof(key->kid), "%s", kid);
        key->public_pem = dft_strdup(pub);
        key->signs_from = (int64_t)json_number_value(json_object_get(k, "signs_from"));
        key->signs_until = json_is_number(json_object_get(k, "signs_until"))
                               ? (int64_t)json_number_value(json_object_get(k, "signs_until"))
                               : INT64_MAX;
        if (have_master_key && enc != NULL) {
            dft_buf_t plain = {0};
            if (dft_open_hex(master_key, enc, &plain) == 0)
                key->private_pem = plain.data;
            else
                dft_log(DFT_LOG_ERROR, "keys", "signing key %s does not open with this master key", kid);
        }
        size_t before = jwks.len;
        if (ring->num_keys > 0)
            dft_buf_puts(&jwks, ",");
        if (dft_ec_public_jwk(pub, kid, &jwks) != 0) {
            jwks.len = before;
            free(key->public_pem);
            free(key->private_pem);
            continue;
        }
        ++ring->num_keys;
    }
    json_decref(list);
    dft_buf_puts(&jwks, "]}");
    ring->jwks = jwks.data;
    ring->jwks_len = jwks.len;
    auth_thread_t *a = state(t);
    ring_free(a->ring); /* requests never hold a key across events */
    a->ring = ring;
    return 0;
}

static int apply_revocations(dft_thread_t *t, const char *json, size_t len)
{
    json_t *list = json_loadb(json, len, 0, NULL);
    if (!json_is_array(list)) {
        json_decref(list);
        return -1;
    }
    revocation_t *revs = dft_calloc(json_array_size(list) + 1, sizeof(*revs));
    size_t n = 0, i;
    json_t *r;
    json_array_foreach(list, i, r)
    {
        const char *uid = json_string_value(json_object_get(r, "uid"));
        if (uid == NULL || strlen(uid) >= sizeof(revs[0].uid))
            continue;
        snprintf(revs[n].uid, sizeof(revs[n].uid), "%s", uid);
        revs[n++].gen = (int64_t)json_number_value(json_object_get(r, "gen"));
    }
    json_decref(list);
    auth_thread_t *a = state(t);
    free(a->revs);
    a->revs = revs;
    a->num_revs = n;
    return 0;
}

void dft_auth_seal(const unsigned char *plain, size_t n, dft_buf_t *out)
{
    assert(have_master_key);
    dft_seal_hex(master_key, plain, n, out);
}

int dft_auth_open(const char *hex, dft_buf_t *out)
{
    return have_master_key ? dft_open_hex(master_key, hex, out) : -1;
}

int dft_auth_data_key_open(const char *sealed, size_t len, unsigned char out[32])
{
    char hex[160];
    dft_buf_t raw = {0};
    if (sealed == NULL || len == 0 || len >= sizeof(hex))
        return -1;
    memcpy(hex, sealed, len);
    hex[len] = '\0';
    int ok = dft_auth_open(hex, &raw) == 0 && raw.len == 32;
    if (ok)
        memcpy(out, raw.data, 32);
    if (raw.data != NULL)
        dft_wipe(raw.data, raw.len);
    dft_buf_dispose(&raw);
    return ok ? 0 : -1;
}

int dft_auth_data_key_new(unsigned char key[32], dft_buf_t *sealed)
{
    if (!have_master_key || RAND_bytes(key, 32) != 1)
        return -1;
    dft_seal_hex(master_key, key, 32, sealed);
    return 0;
}

int dft_auth_can_seal(void)
{
    return have_master_key;
}

const dft_keyring_t *dft_auth_keyring(dft_thread_t *t)
{
    return state(t)->ring;
}

char *dft_auth_sign_document(dft_thread_t *t, const char *claims_json)
{
    int64_t now = (int64_t)time(NULL);
    const dft_key_t *key = dft_auth_signing_key(t, now);
    return key != NULL ? dft_document_sign(key->kid, key->private_pem, &params, claims_json, now) : NULL;
}

int dft_auth_verify_document(const char *token, size_t len, const char *public_pem, char **claims, const char **why)
{
    return dft_document_verify(token, len, public_pem, &params, claims, why);
}

const dft_key_t *dft_auth_signing_key(dft_thread_t *t, int64_t now)
{
    const dft_keyring_t *ring = state(t)->ring;
    const dft_key_t *best = NULL;
    for (size_t i = 0; ring != NULL && i < ring->num_keys; ++i) {
        const dft_key_t *k = &ring->keys[i];
        if (k->private_pem != NULL && k->signs_from <= now && now < k->signs_until &&
            (best == NULL || k->signs_from > best->signs_from))
            best = k;
    }
    return best;
}

static const char *lookup_public(void *ctx, const char *kid)
{
    const dft_keyring_t *ring = ctx;
    for (size_t i = 0; ring != NULL && i < ring->num_keys; ++i)
        if (strcmp(ring->keys[i].kid, kid) == 0)
            return ring->keys[i].public_pem;
    return NULL;
}

/* ------------------------------------------------------- officer cache */

static officer_slot_t *officer_set(auth_thread_t *a, const char *id)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *c = id; *c; ++c)
        h = (h ^ (unsigned char)*c) * 1099511628211ull;
    return &a->officers[(h % OFFICER_SETS) * OFFICER_WAYS];
}

static officer_t *officer_find(auth_thread_t *a, const char *id)
{
    officer_slot_t *set = officer_set(a, id);
    for (int i = 0; i < OFFICER_WAYS; ++i)
        if (set[i].officer != NULL && strcmp(set[i].id, id) == 0) {
            set[i].used = ++a->tick;
            return set[i].officer;
        }
    return NULL;
}

static void officer_slot_clear(officer_slot_t *slot)
{
    if (slot->officer != NULL)
        h2o_mem_release_shared(slot->officer);
    *slot = (officer_slot_t){{0}};
}

/* Takes over the caller's reference to o. */
static void officer_put(auth_thread_t *a, const char *id, officer_t *o)
{
    officer_slot_t *set = officer_set(a, id), *victim = &set[0];
    for (int i = 0; i < OFFICER_WAYS; ++i) {
        if (set[i].officer != NULL && strcmp(set[i].id, id) == 0) {
            victim = &set[i];
            break;
        }
        if (set[i].officer == NULL || set[i].used < victim->used)
            victim = &set[i];
    }
    officer_slot_clear(victim);
    snprintf(victim->id, sizeof(victim->id), "%s", id);
    victim->officer = o;
    victim->used = ++a->tick;
}

/* NOTIFY daftar_officers: the payload is the UID or client id that changed;
 * NULL (a connection came up, notices may be lost) forgets everyone. */
static void officers_notified(dft_thread_t *t, const char *payload)
{
    auth_thread_t *a = state(t);
    ++a->epoch;
    if (payload != NULL && payload[0] != '\0') {
        officer_slot_t *set = officer_set(a, payload);
        for (int i = 0; i < OFFICER_WAYS; ++i)
            if (set[i].officer != NULL && strcmp(set[i].id, payload) == 0)
                officer_slot_clear(&set[i]);
        return;
    }
    for (size_t i = 0; i < OFFICER_SETS * OFFICER_WAYS; ++i)
        officer_slot_clear(&a->officers[i]);
}

/* -------------------------------------------------------- authenticate */

/* The cache slot of a token: FNV-1a over its last 32 bytes, the signature,
 * which differs between any two tokens we issued (hashing all ~700 bytes
 * was 1 µs a request); the whole token is compared before a hit. */
static uint64_t token_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = n > 32 ? n - 32 : 0; i < n; ++i)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int revoked(const auth_thread_t *a, const dft_principal_t *p)
{
    for (size_t i = 0; i < a->num_revs; ++i)
        if (strcmp(a->revs[i].uid, p->uid) == 0 && p->gen < a->revs[i].gen)
            return 1;
    return 0;
}

static void unauthenticated(dft_req_t *r, const char *detail)
{
    dft_add_header(r, "www-authenticate", "Bearer realm=\"daftar\", error=\"invalid_token\"");
    dft_respond_code(r, DFT_E_UNAUTHENTICATED, detail);
}

/* No bearer token at all (none, or another scheme): RFC 6750 3.1 gives no error code then. */
static void no_credentials(dft_req_t *r, const char *detail)
{
    dft_add_header(r, "www-authenticate", "Bearer realm=\"daftar\"");
    dft_respond_code(r, DFT_E_UNAUTHENTICATED, detail);
}

/* The request's principal: the token's who and session, the cache's memberships and clearance. */
static void admit(dft_req_t *r, const dft_principal_t *token, officer_t *o)
{
    dft_principal_t *p = h2o_mem_alloc_pool(&r->h2o->pool, sizeof(*p));
    *p = *token;
    p->clearance = o->clearance;
    p->num_memberships = o->num_memberships;
    p->memberships = o->memberships;
    h2o_mem_link_shared(&r->h2o->pool, o);
    r->principal = p;
}

static void waiter_detach(void *p)
{
    ((fill_waiter_t *)p)->req = NULL;
}

/* The session of f's officer, read once for every request that missed it meanwhile. */
static void on_session(void *ctx, const dft_db_reply_t *reply)
{
    fill_t *f = ctx;
    auth_thread_t *a = state(f->thread);
    for (fill_t **pp = &a->fills; *pp != NULL; pp = &(*pp)->next)
        if (*pp == f) {
            *pp = f->next;
            break;
        }
    officer_t *o = NULL;
    const char *why = NULL;
    if (reply->err.code == DFT_OK && reply->value != NULL) {
        dft_membership_t m[DFT_AUTH_MAX_MEMBERSHIPS];
        dft_clearance_t clearance;
        size_t n;
        why = dft_session_parse(reply->value, reply->len, &clearance, m, &n);
        if (why == NULL) {
            o = h2o_mem_alloc_shared(NULL, offsetof(officer_t, memberships) + n * sizeof(m[0]), NULL);
            o->clearance = clearance;
            o->num_memberships = n;
            memcpy(o->memberships, m, n * sizeof(m[0]));
        } else {
            dft_log(DFT_LOG_ERROR, "auth", "officer %s: unusable session from the catalog: %s", f->uid, why);
        }
    }
    fill_waiter_t *w = f->waiters;
    f->waiters = NULL;
    while (w != NULL) {
        fill_waiter_t *next = w->next;
        dft_req_t *r = w->req;
        if (r != NULL) {
            r->pending = NULL;
            r->detach = NULL;
            if (reply->err.code != DFT_OK)
                dft_respond_error(r, &reply->err);
            else if (reply->value == NULL) /* no such principal now, or not active */
                unauthenticated(r, "The token has been revoked.");
            else if (o == NULL)
                dft_respond_code(r, DFT_E_INTERNAL, NULL);
            else {
                admit(r, &w->token, o);
                dft_req_proceed(r);
            }
        }
        free(w);
        w = next;
    }
    if (o != NULL && a->epoch == f->epoch)
        officer_put(a, f->uid, o); /* the cache takes our reference */
    else if (o != NULL)
        h2o_mem_release_shared(o); /* a change was heard meanwhile: those requests only */
    free(f);
}

/* r waits for its officer's session: joins the read in flight, or starts one (as r, so db_queue_max bounds it). */
static void await_session(dft_req_t *r, auth_thread_t *a, const dft_principal_t *p)
{
    fill_t *f = a->fills;
    while (f != NULL && (strcmp(f->uid, p->uid) != 0 || f->epoch != a->epoch))
        f = f->next;
    fill_waiter_t *w = dft_calloc(1, sizeof(*w));
    w->req = r;
    w->token = *p; /* the token cache's entry may be replaced meanwhile */
    r->pending = w;
    r->detach = waiter_detach;
    if (f != NULL) {
        w->next = f->waiters;
        f->waiters = w;
        return;
    }
    f = dft_calloc(1, sizeof(*f));
    f->thread = r->thread;
    snprintf(f->uid, sizeof(f->uid), "%s", p->uid);
    f->epoch = a->epoch;
    f->waiters = w;
    f->next = a->fills;
    a->fills = f;
    const char *qp[] = {f->uid};
    dft_db_run_for(r, NULL, DFT_DB_READ, "principal_session", qp, 1, on_session, f); /* on_session may run at once */
}

/* The server's hook: 0 when r may proceed (r->principal set), -1 after responding, 1 while the
 * principal's session is read from the catalog (then on_session goes on). */
static int authenticate(dft_req_t *r)
{
    h2o_req_t *req = r->h2o;
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_AUTHORIZATION, -1);
    if (i < 0) {
        no_credentials(r, "This resource needs a bearer token.");
        return -1;
    }
    h2o_iovec_t v = req->headers.entries[i].value;
    if (v.len < 8 || strncasecmp(v.base, "bearer ", 7) != 0) {
        no_credentials(r, "Send the token as 'Authorization: Bearer <token>'.");
        return -1;
    }
    const char *tok = v.base + 7;
    size_t len = v.len - 7;
    auth_thread_t *a = state(r->thread);
    int64_t now = (int64_t)time(NULL);
    uint64_t h = token_hash(tok, len);
    cache_entry_t *e = &a->cache[h & (CACHE_SIZE - 1)];
    if (!(e->token != NULL && e->hash == h && e->len == len && memcmp(e->token, tok, len) == 0)) {
        const char *why;
        dft_principal_t fresh;
        if (dft_token_verify(tok, len, lookup_public, a->ring, &params, now, &fresh, &why) != 0) {
            dft_log(DFT_LOG_INFO, "auth", "request %s: token refused: %s", r->request_id, why);
            unauthenticated(r, "The token is not valid.");
            return -1;
        }
        free(e->token);
        e->principal = fresh;
        e->hash = h;
        e->token = dft_strndup(tok, len);
        e->len = len;
    }
    const dft_principal_t *p = &e->principal;
    if (now >= p->exp + DFT_AUTH_SKEW) {
        unauthenticated(r, "The token has expired.");
        return -1;
    }
    if (revoked(a, p)) {
        unauthenticated(r, "The token has been revoked.");
        return -1;
    }
    if (p->pwd_change && !(r->route->flags & DFT_ROUTE_SETUP)) {
        dft_respond_code(r, DFT_E_FORBIDDEN, "Change the temporary password first (POST /v1/me/password).");
        return -1;
    }
    if (p->otp_enrol && !(r->route->flags & DFT_ROUTE_SETUP)) {
        dft_respond_code(r, DFT_E_FORBIDDEN, "Enrol a second factor first (POST /v1/me/totp), then sign in again.");
        return -1;
    }
    if (p->service) { /* deny by default: only routes of a scope the account holds */
        const char *scope = r->route->scope;
        if (scope == NULL || !(p->scopes & dft_scope_bit(scope, strlen(scope)))) {
            char challenge[128];
            snprintf(challenge, sizeof(challenge), "Bearer realm=\"daftar\", error=\"insufficient_scope\", scope=\"%s\"",
                     scope != NULL ? scope : "");
            dft_add_header(r, "www-authenticate", h2o_strdup(&req->pool, challenge, SIZE_MAX).base);
            dft_respond_code(r, DFT_E_FORBIDDEN,
                             scope != NULL ? "This service account's scopes do not include this operation's."
                                           : "Service accounts may not use this operation.");
            return -1;
        }
    }
    r->officer_uid = p->uid;
    officer_t *o = officer_find(a, p->uid);
    if (o != NULL) {
        admit(r, p, o);
        return 0;
    }
    await_session(r, a, p);
    return 1;
}

static const dft_db_feed_t keys_feed = {.channel = "daftar_keys", .stmt = "keys_load", .apply = apply_keys};
static const dft_db_feed_t revocations_feed = {
    .channel = "daftar_revocations", .stmt = "revocations_load", .apply = apply_revocations};
static const dft_db_feed_t officers_feed = {.channel = "daftar_officers", .notified = officers_notified};

void dft_auth_attach(dft_server_t *s)
{
    server = s;
    params = (dft_auth_params_t){s->config->jwt_issuer, s->config->jwt_audience, s->config->access_ttl};
    have_master_key = dft_master_key_parse(s->config->master_key, master_key) == 0;
    if (!have_master_key)
        dft_log(DFT_LOG_WARN, "keys", "no valid master_key: this server verifies tokens but cannot issue them");
    s->hooks.authenticate = authenticate;
    dft_db_add_feed(&keys_feed);
    dft_db_add_feed(&revocations_feed);
    dft_db_add_feed(&officers_feed);
    /* A hash holds a core for about 0.1 s: by default at most half the cores
     * hash at once (measured on 2 cores during a login flood: read p99
     * x1.05-1.5 with 1 worker, x2-3 with 2). */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    size_t workers = s->config->workers > 0 ? (size_t)s->config->workers : (size_t)(cores > 1 ? cores / 2 : 1);
    if (s->config->hash_process)
        dft_hasher_use_helpers();
    dft_worker_start(workers, (size_t)s->config->worker_queue_max, (uint64_t)s->config->worker_starve_ms,
                     (int)s->config->hash_process);
}
