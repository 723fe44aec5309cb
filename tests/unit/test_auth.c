/*
 * test_auth.c — UIDs, the crypto helpers (with published test vectors) and
 * token verification against forged and damaged tokens.
 */
#include "auth/auth.h"
#include "auth/crypto.h"
#include "auth/uid.h"
#include "test.h"

#include <jwt.h>
#include <stdlib.h>
#include <time.h>

TEST(test_uid__verhoeff_vectors)
{
    CHECK(dft_uid_check_digit("236", 3) == '3');       /* the classic example: 2363 */
    CHECK(dft_uid_check_digit("12345", 5) == '1');     /* 123451 */
    CHECK(dft_uid_check_digit("142857", 6) == '0');    /* 1428570 */
    char uid[12];
    dft_uid_format(1000000001, uid);
    CHECK(strlen(uid) == 11 && dft_uid_valid(uid, 11));
}

TEST(test_uid__catches_every_single_typo_and_neighbour_swap)
{
    char uid[12], t[12];
    dft_uid_format(4718293056ull, uid);
    CHECK(dft_uid_valid(uid, 11));
    for (int i = 0; i < 11; ++i)
        for (char d = '0'; d <= '9'; ++d) {
            if (d == uid[i])
                continue;
            memcpy(t, uid, 12);
            t[i] = d;
            CHECK(!dft_uid_valid(t, 11));
        }
    for (int i = 0; i + 1 < 11; ++i) {
        if (uid[i] == uid[i + 1])
            continue;
        memcpy(t, uid, 12);
        t[i] = uid[i + 1];
        t[i + 1] = uid[i];
        CHECK(!dft_uid_valid(t, 11));
    }
    CHECK(!dft_uid_valid("1234567890", 10));       /* mobile-number length */
    CHECK(!dft_uid_valid("234567890123", 12));     /* Aadhaar length */
    CHECK(!dft_uid_valid("1000000001a", 11));
}

TEST(test_crypto__base64url)
{
    char out[16];
    unsigned char raw[16];
    size_t n;
    CHECK(dft_b64url_encode((const unsigned char *)"\xfb\xff", 2, out) == 3);
    CHECK_STR(out, "-_8");
    CHECK(dft_b64url_decode("-_8", 3, raw, sizeof(raw), &n) == 0 && n == 2 && raw[0] == 0xfb && raw[1] == 0xff);
    CHECK(dft_b64url_decode("-_9", 3, raw, sizeof(raw), &n) == -1); /* non-canonical */
    CHECK(dft_b64url_decode("a+b=", 4, raw, sizeof(raw), &n) == -1);
    CHECK(dft_b64url_decode("a", 1, raw, sizeof(raw), &n) == -1);
}

TEST(test_crypto__sha256_vector)
{
    char hex[65];
    dft_sha256_hex("abc", 3, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(test_crypto__aes_gcm_round_trip_and_tamper)
{
    unsigned char key[32], other[32];
    CHECK(dft_master_key_parse("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", key) == 0);
    memcpy(other, key, 32);
    other[0] ^= 1;
    dft_buf_t sealed = {0}, plain = {0};
    dft_seal_hex(key, (const unsigned char *)"secret pem", 10, &sealed);
    CHECK(dft_open_hex(key, sealed.data, &plain) == 0 && plain.len == 10 && memcmp(plain.data, "secret pem", 10) == 0);
    dft_buf_dispose(&plain);
    CHECK(dft_open_hex(other, sealed.data, &plain) == -1);
    sealed.data[30] = sealed.data[30] == 'a' ? 'b' : 'a';
    CHECK(dft_open_hex(key, sealed.data, &plain) == -1);
    CHECK(dft_master_key_parse("short", key) == -1);
    dft_buf_dispose(&sealed);
    dft_buf_dispose(&plain);
}

TEST(test_crypto__password_hash_verify)
{
    dft_buf_t h = {0};
    CHECK(dft_password_hash("correct horse", 13, &h) == 0);
    CHECK(strncmp(h.data, "$scrypt$ln=17,r=8,p=1$", 22) == 0); /* OWASP's cost by default */
    CHECK(!dft_password_needs_rehash(h.data));
    CHECK(dft_password_needs_rehash("$scrypt$ln=15,r=8,p=1$AAAA$AAAA"));
    CHECK(strncmp(dft_password_dummy_hash(), "$scrypt$ln=17,", 14) == 0);
    CHECK(dft_password_verify("correct horse", 13, h.data) == 1);
    CHECK(dft_password_verify("correct hors", 12, h.data) == 0);
    CHECK(dft_password_verify("x", 1, dft_password_dummy_hash()) == 0);
    CHECK(dft_password_verify("x", 1, "$scrypt$ln=30,r=8,p=1$AAAA$AAAA") == 0); /* refuses absurd cost */
    CHECK(dft_password_verify("x", 1, "plain") == 0);
    dft_buf_dispose(&h);
    char t[13];
    dft_password_temporary(t);
    CHECK(strlen(t) == 12 && strpbrk(t, "0O1lI") == NULL);
}

/* ---- tokens ---- */

static dft_buf_t priv_pem, pub_pem;
static const char *lookup(void *ctx, const char *kid)
{
    return strcmp(kid, "testkid-0001") == 0 ? ctx : NULL;
}
static const dft_auth_params_t params = {"daftar", "daftar-api", 900};
static const char claims[] = "{\"clearance\":\"confidential\",\"depts\":{\"fin\":[\"officer\",\"dept_admin\"]},\"gen\":3}";

static void keys(void)
{
    if (priv_pem.data == NULL)
        CHECK(dft_ec_keygen(&priv_pem, &pub_pem) == 0);
}

TEST(test_token__issue_then_verify)
{
    keys();
    int64_t now = (int64_t)time(NULL);
    char *t = dft_token_issue("testkid-0001", priv_pem.data, &params, "10000000012", claims, DFT_TOKEN_OTP, now);
    CHECK(t != NULL);
    dft_principal_t p;
    const char *why;
    CHECK(dft_token_verify(t, strlen(t), lookup, pub_pem.data, &params, now, &p, &why) == 0);
    CHECK_STR(p.uid, "10000000012");
    CHECK(p.otp && !p.pwd_change && p.gen == 3);
    /* who and which session only: memberships and clearance come from the catalog */
    CHECK(p.num_memberships == 0 && p.memberships == NULL && strstr(t, ".") != NULL);
    CHECK(strlen(t) < 450);
    /* expiry with skew */
    CHECK(dft_token_verify(t, strlen(t), lookup, pub_pem.data, &params, now + 900 + 29, &p, &why) == 0);
    CHECK(dft_token_verify(t, strlen(t), lookup, pub_pem.data, &params, now + 900 + 31, &p, &why) == -1);
    CHECK_STR(why, "expired");
    /* other audience or issuer configured */
    dft_auth_params_t other = {"daftar", "someone-else", 900};
    CHECK(dft_token_verify(t, strlen(t), lookup, pub_pem.data, &other, now, &p, &why) == -1);
    CHECK_STR(why, "wrong audience");
    /* flipped signature byte */
    t[strlen(t) - 5] = t[strlen(t) - 5] == 'A' ? 'B' : 'A';
    CHECK(dft_token_verify(t, strlen(t), lookup, pub_pem.data, &params, now, &p, &why) == -1);
    free(t);
}

TEST(test_token__refuses_other_algorithms_and_headers)
{
    keys();
    int64_t now = (int64_t)time(NULL);
    dft_principal_t p;
    const char *why;
    /* HS256 keyed with our public PEM: the classic confusion */
    jwt_t *jwt;
    CHECK(jwt_new(&jwt) == 0);
    jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)pub_pem.data, (int)pub_pem.len);
    jwt_add_header(jwt, "kid", "testkid-0001");
    jwt_add_grant(jwt, "sub", "10000000012");
    char *t = jwt_encode_str(jwt);
    jwt_free(jwt);
    CHECK(dft_token_verify(t, strlen(t), lookup, pub_pem.data, &params, now, &p, &why) == -1);
    CHECK_STR(why, "algorithm not allowed");
    free(t);
    /* alg none */
    const char *none = "eyJhbGciOiJub25lIiwia2lkIjoidGVzdGtpZC0wMDAxIn0.eyJzdWIiOiIxMDAwMDAwMDAxMiJ9.";
    CHECK(dft_token_verify(none, strlen(none), lookup, pub_pem.data, &params, now, &p, &why) == -1);
    /* jku header */
    CHECK(jwt_new(&jwt) == 0);
    jwt_set_alg(jwt, JWT_ALG_ES256, (const unsigned char *)priv_pem.data, (int)priv_pem.len);
    jwt_add_header(jwt, "kid", "testkid-0001");
    jwt_add_header(jwt, "jku", "http://127.0.0.1/keys");
    t = jwt_encode_str(jwt);
    jwt_free(jwt);
    CHECK(dft_token_verify(t, strlen(t), lookup, pub_pem.data, &params, now, &p, &why) == -1);
    CHECK_STR(why, "unexpected header parameter");
    free(t);
    /* unknown kid */
    t = dft_token_issue("otherkid-0002", priv_pem.data, &params, "10000000012", claims, 0, now);
    CHECK(dft_token_verify(t, strlen(t), lookup, pub_pem.data, &params, now, &p, &why) == -1);
    CHECK_STR(why, "unknown kid");
    free(t);
    /* malformed */
    CHECK(dft_token_verify("a.b", 3, lookup, pub_pem.data, &params, now, &p, &why) == -1);
    CHECK(dft_token_verify("a.b.c.d", 7, lookup, pub_pem.data, &params, now, &p, &why) == -1);
    CHECK(dft_token_verify("", 0, lookup, pub_pem.data, &params, now, &p, &why) == -1);
}

TEST(test_session__parse_memberships_and_refuse_bad_ones)
{
    dft_membership_t m[DFT_AUTH_MAX_MEMBERSHIPS];
    dft_clearance_t c;
    size_t n;
    const char *ok = "{\"clearance\":\"confidential\",\"depts\":{\"fin\":[\"officer\",\"dept_admin\"],\"home\":[\"hr_admin\"]}}";
    CHECK(dft_session_parse(ok, strlen(ok), &c, m, &n) == NULL);
    CHECK(c == DFT_CLR_CONFIDENTIAL && n == 2);
    dft_principal_t p = {.num_memberships = n, .memberships = m};
    CHECK(dft_principal_roles(&p, "fin", 3) == (DFT_ROLE_OFFICER | DFT_ROLE_DEPT_ADMIN));
    CHECK(dft_principal_roles(&p, "home", 4) == DFT_ROLE_HR_ADMIN);
    CHECK(dft_principal_roles(&p, "hom", 3) == 0);
    static const char *const bad[] = {
        "{\"clearance\":\"top\",\"depts\":{}}",
        "{\"clearance\":\"secret\",\"depts\":{\"fin\":[\"king\"]}}",
        "{\"clearance\":\"secret\",\"depts\":{\"Fin\":[\"officer\"]}}",
        "{\"clearance\":\"secret\",\"depts\":[]}",
        "{\"clearance\":\"secret\",\"depts\":{\"fin\":[\"officer\"],\"fin\":[\"dept_admin\"]}}",
        "not json",
    };
    for (size_t i = 0; i < DFT_ARRAY_SIZE(bad); ++i)
        CHECK(dft_session_parse(bad[i], strlen(bad[i]), &c, m, &n) != NULL);
    dft_buf_t many = {0};
    dft_buf_puts(&many, "{\"clearance\":\"secret\",\"depts\":{");
    for (int i = 0; i <= DFT_AUTH_MAX_MEMBERSHIPS; ++i)
        dft_buf_printf(&many, "%s\"d%03d\":[\"officer\"]", i ? "," : "", i);
    dft_buf_puts(&many, "}}");
    CHECK(dft_session_parse(many.data, many.len, &c, m, &n) != NULL); /* 101 memberships */
    dft_buf_dispose(&many);
}

const test_case_t auth_cases[] = {
    CASE(test_uid__verhoeff_vectors),
    CASE(test_uid__catches_every_single_typo_and_neighbour_swap),
    CASE(test_crypto__base64url),
    CASE(test_crypto__sha256_vector),
    CASE(test_crypto__aes_gcm_round_trip_and_tamper),
    CASE(test_crypto__password_hash_verify),
    CASE(test_token__issue_then_verify),
    CASE(test_token__refuses_other_algorithms_and_headers),
    CASE(test_session__parse_memberships_and_refuse_bad_ones),
    {NULL, NULL},
};

TEST(test_totp__rfc6238_sha1_vectors)
{
    const unsigned char *secret = (const unsigned char *)"12345678901234567890";
    /* RFC 6238 appendix B, SHA-1, last six of the eight digits */
    CHECK(dft_totp_code(secret, 20, 59 / 30) == 287082);
    CHECK(dft_totp_code(secret, 20, 1111111109 / 30) == 81804);
    CHECK(dft_totp_code(secret, 20, 1111111111 / 30) == 50471);
    CHECK(dft_totp_code(secret, 20, 1234567890 / 30) == 5924);
    CHECK(dft_totp_code(secret, 20, 2000000000 / 30) == 279037);
    CHECK(dft_totp_code(secret, 20, 20000000000ull / 30) == 353130);
}

TEST(test_totp__window_and_replay)
{
    const unsigned char *secret = (const unsigned char *)"12345678901234567890";
    int64_t now = 1111111111; /* step 37037037 */
    CHECK(dft_totp_match(secret, 20, "050471", now, 0) == 37037037);
    CHECK(dft_totp_match(secret, 20, "081804", now, 0) == 37037036);        /* one step back: allowed */
    CHECK(dft_totp_match(secret, 20, "050471", now, 37037037) == 0);       /* used already */
    CHECK(dft_totp_match(secret, 20, "081804", now + 60, 0) == 0);          /* too old */
    CHECK(dft_totp_match(secret, 20, "05047", now, 0) == 0);
    CHECK(dft_totp_match(secret, 20, "05047x", now, 0) == 0);
    char b32[40];
    dft_base32_encode((const unsigned char *)"foobar", 6, b32);
    CHECK_STR(b32, "MZXW6YTBOI"); /* RFC 4648 test vector, padding dropped */
}

const test_case_t totp_cases[] = {
    CASE(test_totp__rfc6238_sha1_vectors),
    CASE(test_totp__window_and_replay),
    {NULL, NULL},
};
