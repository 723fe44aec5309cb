/*
 * token.c — issuing and verifying access tokens (see auth.h for the rules).
 * Pure functions of their inputs: no I/O, no global state, so they are unit
 * tested directly and fuzzable.
 */
#include "auth.h"

#include "../core/core.h"
#include "crypto.h"
#include "uid.h"

#include <jansson.h>
#include <jwt.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#define ROLE_NAME(c, n) n,
static const char *const role_names[] = {DFT_ROLES(ROLE_NAME)};
#undef ROLE_NAME
static const char *const clearances[] = {"unclassified", "restricted", "confidential", "secret"};

const char *dft_role_name(unsigned i)
{
    return i < DFT_ARRAY_SIZE(role_names) ? role_names[i] : NULL;
}

uint32_t dft_role_bit(const char *name, size_t len)
{
    for (size_t i = 0; i < DFT_ARRAY_SIZE(role_names); ++i)
        if (strlen(role_names[i]) == len && memcmp(role_names[i], name, len) == 0)
            return 1u << i;
    return 0;
}

uint32_t dft_principal_roles(const dft_principal_t *p, const char *dept, size_t len)
{
    for (size_t i = 0; i < p->num_memberships; ++i)
        if (strlen(p->memberships[i].dept) == len && memcmp(p->memberships[i].dept, dept, len) == 0)
            return p->memberships[i].roles;
    return 0;
}

int dft_client_id_valid(const char *s, size_t len)
{
    if (len != 20 || memcmp(s, "svc_", 4) != 0)
        return 0;
    for (size_t i = 4; i < len; ++i)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static int kid_valid(const char *kid)
{
    size_t n = strlen(kid);
    if (n < 8 || n > 64)
        return 0;
    for (size_t i = 0; i < n; ++i) {
        char c = kid[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static int code_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 31 || !(s[0] >= 'a' && s[0] <= 'z'))
        return 0;
    for (size_t i = 1; i < n; ++i)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

/* The protected header, checked before libjwt sees the token. */
static const char *check_header(const char *token, size_t len, char *kid, size_t kidsize)
{
    const char *dot = memchr(token, '.', len);
    if (dot == NULL || dot == token)
        return "malformed";
    unsigned char raw[512];
    size_t rawlen;
    if (dft_b64url_decode(token, (size_t)(dot - token), raw, sizeof(raw), &rawlen) != 0)
        return "malformed header";
    json_t *h = json_loadb((const char *)raw, rawlen, JSON_REJECT_DUPLICATES, NULL);
    const char *why = NULL;
    if (h == NULL || !json_is_object(h)) {
        why = "malformed header";
        goto out;
    }
    const char *key;
    json_t *v;
    json_object_foreach(h, key, v)
    {
        if (strcmp(key, "alg") != 0 && strcmp(key, "typ") != 0 && strcmp(key, "kid") != 0) {
            why = "unexpected header parameter"; /* jku, x5u, jwk, x5c, crit ...: never honoured */
            goto out;
        }
    }
    const char *alg = json_string_value(json_object_get(h, "alg"));
    const char *typ = json_string_value(json_object_get(h, "typ"));
    const char *k = json_string_value(json_object_get(h, "kid"));
    if (alg == NULL || strcmp(alg, "ES256") != 0)
        why = "algorithm not allowed";
    else if (json_object_get(h, "typ") != NULL && (typ == NULL || strcmp(typ, "JWT") != 0))
        why = "bad typ";
    else if (k == NULL || !kid_valid(k))
        why = "bad kid";
    else
        snprintf(kid, kidsize, "%s", k);
out:
    json_decref(h);
    return why;
}

static int token_chars_valid(const char *t, size_t len)
{
    int dots = 0;
    for (size_t i = 0; i < len; ++i) {
        char c = t[i];
        if (c == '.')
            ++dots;
        else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return 0;
    }
    return dots == 2;
}

/* The claims we issue; a token with any other (a memberships or clearance
 * claim of an older or forged token) is refused. */
static const char *const known_claims[] = {"iss", "aud", "sub", "iat", "nbf", "exp", "jti", "token_use",
                                           "gen", "amr", "pwd_change", "otp_enrol", "scope"};

static const char *check_claims(json_t *c, const dft_auth_params_t *params, int64_t now, dft_principal_t *p)
{
    const char *name;
    json_t *value;
    json_object_foreach(c, name, value)
    {
        size_t k = 0;
        while (k < DFT_ARRAY_SIZE(known_claims) && strcmp(known_claims[k], name) != 0)
            ++k;
        if (k == DFT_ARRAY_SIZE(known_claims))
            return "unexpected claim";
    }
    const char *iss = json_string_value(json_object_get(c, "iss"));
    const char *aud = json_string_value(json_object_get(c, "aud"));
    const char *sub = json_string_value(json_object_get(c, "sub"));
    const char *use = json_string_value(json_object_get(c, "token_use"));
    json_t *exp = json_object_get(c, "exp"), *nbf = json_object_get(c, "nbf"), *iat = json_object_get(c, "iat");
    json_t *gen = json_object_get(c, "gen");
    if (iss == NULL || strcmp(iss, params->issuer) != 0)
        return "wrong issuer";
    if (aud == NULL || strcmp(aud, params->audience) != 0)
        return "wrong audience";
    if (use == NULL || strcmp(use, "access") != 0)
        return "not an access token";
    if (!json_is_integer(exp) || !json_is_integer(nbf) || !json_is_integer(iat))
        return "missing time claims";
    if (!json_is_integer(gen) || json_integer_value(gen) < 0)
        return "missing generation";
    if (now >= json_integer_value(exp) + DFT_AUTH_SKEW)
        return "expired";
    if (json_integer_value(nbf) > now + DFT_AUTH_SKEW || json_integer_value(iat) > now + DFT_AUTH_SKEW)
        return "not yet valid";
    if (json_integer_value(exp) - json_integer_value(iat) > params->access_ttl + DFT_AUTH_SKEW)
        return "lifetime too long";
    if (sub == NULL || (!dft_uid_valid(sub, strlen(sub)) && !dft_client_id_valid(sub, strlen(sub))))
        return "bad subject";
    memset(p, 0, sizeof(*p));
    snprintf(p->uid, sizeof(p->uid), "%s", sub);
    p->service = sub[0] == 's';
    p->iat = json_integer_value(iat);
    p->exp = json_integer_value(exp);
    p->gen = json_integer_value(gen);
    json_t *amr = json_object_get(c, "amr"), *v;
    size_t i;
    if (!json_is_array(amr))
        return "bad amr";
    json_array_foreach(amr, i, v)
    {
        const char *m = json_string_value(v);
        if (m != NULL && strcmp(m, "otp") == 0)
            p->otp = 1;
        else if (m == NULL || (strcmp(m, "pwd") != 0 && strcmp(m, "client") != 0))
            return "bad amr";
        else if ((strcmp(m, "client") == 0) != p->service)
            return "bad amr"; /* officers sign in with passwords, services with client credentials */
    }
    const char *scope = json_string_value(json_object_get(c, "scope"));
    for (const char *w = scope; p->service && w != NULL && *w != '\0';) { /* space-separated; unknown ones grant nothing */
        size_t n = strcspn(w, " ");
        p->scopes |= dft_scope_bit(w, n);
        w += n + (w[n] == ' ');
    }
    p->pwd_change = json_is_true(json_object_get(c, "pwd_change"));
    p->otp_enrol = json_is_true(json_object_get(c, "otp_enrol"));
    return NULL;
}

const char *dft_session_parse(const char *json, size_t len, dft_clearance_t *clearance, dft_membership_t *m, size_t *n)
{
    json_t *s = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL), *depts = json_object_get(s, "depts"), *v;
    const char *clr = json_string_value(json_object_get(s, "clearance")), *code, *why = NULL;
    size_t ci = 0;
    *n = 0;
    while (ci < DFT_ARRAY_SIZE(clearances) && (clr == NULL || strcmp(clearances[ci], clr) != 0))
        ++ci;
    if (ci == DFT_ARRAY_SIZE(clearances)) {
        why = "bad clearance";
        goto out;
    }
    *clearance = (dft_clearance_t)ci;
    if (!json_is_object(depts) || json_object_size(depts) > DFT_AUTH_MAX_MEMBERSHIPS) {
        why = "bad memberships";
        goto out;
    }
    json_object_foreach(depts, code, v)
    {
        if (!code_valid(code) || !json_is_array(v)) {
            why = "bad memberships";
            goto out;
        }
        dft_membership_t *one = &m[(*n)++];
        snprintf(one->dept, sizeof(one->dept), "%s", code);
        one->roles = 0;
        size_t j;
        json_t *r;
        json_array_foreach(v, j, r)
        {
            const char *rn = json_string_value(r);
            uint32_t bit = rn ? dft_role_bit(rn, strlen(rn)) : 0;
            if (bit == 0) {
                why = "bad role";
                goto out;
            }
            one->roles |= bit;
        }
    }
out:
    json_decref(s);
    return why;
}

/* The claims of a token signed with pem (ES256 only), as libjwt's malloc'd JSON text; NULL with *why. The
 * header was checked already. */
static char *verified_grants(const char *token, size_t len, const char *pem, const char **why)
{
    char copy[DFT_AUTH_MAX_TOKEN + 1];
    memcpy(copy, token, len);
    copy[len] = '\0';
    jwt_t *jwt = NULL;
    char *grants = NULL;
    if (jwt_decode(&jwt, copy, (const unsigned char *)pem, (int)strlen(pem)) != 0 || jwt == NULL)
        *why = "bad signature";
    else if (jwt_get_alg(jwt) != JWT_ALG_ES256)
        *why = "algorithm not allowed";
    else if ((grants = jwt_get_grants_json(jwt, NULL)) == NULL)
        *why = "malformed claims";
    jwt_free(jwt);
    return grants;
}

/* The kid of a well-formed token's header; 0, or -1 with *why. */
static int token_kid(const char *token, size_t len, char kid[72], const char **why)
{
    *why = NULL;
    if (len == 0 || len > DFT_AUTH_MAX_TOKEN || !token_chars_valid(token, len)) {
        *why = "malformed";
        return -1;
    }
    return (*why = check_header(token, len, kid, 72)) == NULL ? 0 : -1;
}

int dft_token_verify(const char *token, size_t len, dft_key_lookup_fn lookup, void *ctx, const dft_auth_params_t *params,
                     int64_t now, dft_principal_t *p, const char **why)
{
    char kid[72];
    if (token_kid(token, len, kid, why) != 0)
        return -1;
    const char *pem = lookup(ctx, kid);
    if (pem == NULL) {
        *why = "unknown kid";
        return -1;
    }
    char *grants = verified_grants(token, len, pem, why);
    json_t *claims = grants ? json_loads(grants, JSON_REJECT_DUPLICATES, NULL) : NULL;
    int rc = -1;
    if (grants != NULL && claims == NULL)
        *why = "malformed claims";
    else if (claims != NULL && (*why = check_claims(claims, params, now, p)) == NULL)
        rc = 0;
    json_decref(claims);
    free(grants);
    return rc;
}

/* ------------------------------------------------------------- documents */

int dft_document_kid(const char *token, size_t len, char kid[72], const char **why)
{
    return token_kid(token, len, kid, why);
}

int dft_document_verify(const char *token, size_t len, const char *public_pem, const dft_auth_params_t *params, char **claims,
                        const char **why)
{
    char kid[72];
    *claims = NULL;
    if (token_kid(token, len, kid, why) != 0)
        return -1;
    char *grants = verified_grants(token, len, public_pem, why);
    json_t *c = grants ? json_loads(grants, JSON_REJECT_DUPLICATES, NULL) : NULL;
    const char *iss = json_string_value(json_object_get(c, "iss"));
    if (grants != NULL && (c == NULL || iss == NULL || strcmp(iss, params->issuer) != 0)) {
        *why = c == NULL ? "malformed claims" : "wrong issuer";
    } else if (grants != NULL) {
        *claims = grants;
        grants = NULL;
    }
    json_decref(c);
    free(grants);
    return *claims != NULL ? 0 : -1;
}

/* A compact JWS (ES256, kid in the header) over claims, which it releases; malloc'd, or NULL. */
static char *sign_claims(const char *kid, const char *private_pem, json_t *c)
{
    char *claims = json_dumps(c, JSON_COMPACT);
    json_decref(c);
    jwt_t *jwt = NULL;
    char *out = NULL;
    if (claims != NULL && jwt_new(&jwt) == 0 &&
        jwt_set_alg(jwt, JWT_ALG_ES256, (const unsigned char *)private_pem, (int)strlen(private_pem)) == 0 &&
        jwt_add_header(jwt, "kid", kid) == 0 && jwt_add_grants_json(jwt, claims) == 0)
        out = jwt_encode_str(jwt);
    if (out != NULL && strlen(out) > DFT_AUTH_MAX_TOKEN) { /* verification would refuse it */
        free(out);
        out = NULL;
    }
    jwt_free(jwt);
    free(claims);
    return out;
}

char *dft_token_issue(const char *kid, const char *private_pem, const dft_auth_params_t *params, const char *uid,
                      const char *claims_json, unsigned flags, int64_t now)
{
    json_t *in = json_loads(claims_json, 0, NULL);
    if (in == NULL)
        return NULL;
    char jti[33];
    dft_random_hex(jti, 16);
    json_t *c = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:O, s:[s]}", "iss", params->issuer, "aud",
                          params->audience, "sub", uid, "iat", (json_int_t)now, "nbf", (json_int_t)now, "exp",
                          (json_int_t)(now + params->access_ttl), "jti", jti, "token_use", "access", "gen",
                          json_object_get(in, "gen"), "amr", flags & DFT_TOKEN_CLIENT ? "client" : "pwd");
    if (c == NULL) {
        json_decref(in);
        return NULL;
    }
    if (flags & DFT_TOKEN_OTP)
        json_array_append_new(json_object_get(c, "amr"), json_string("otp"));
    if (flags & DFT_TOKEN_PWD_CHANGE)
        json_object_set_new(c, "pwd_change", json_true());
    if (flags & DFT_TOKEN_OTP_ENROL)
        json_object_set_new(c, "otp_enrol", json_true());
    if (json_is_string(json_object_get(in, "scope")))
        json_object_set(c, "scope", json_object_get(in, "scope"));
    json_decref(in);
    return sign_claims(kid, private_pem, c);
}

char *dft_document_sign(const char *kid, const char *private_pem, const dft_auth_params_t *params, const char *claims_json,
                        int64_t now)
{
    json_t *c = json_loads(claims_json, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(c)) {
        json_decref(c);
        return NULL;
    }
    json_object_set_new(c, "iss", json_string(params->issuer));
    json_object_set_new(c, "iat", json_integer((json_int_t)now));
    return sign_claims(kid, private_pem, c);
}
