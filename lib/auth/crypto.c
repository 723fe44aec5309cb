/*
 * crypto.c — see crypto.h.
 */
#include "crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t dft_b64url_encode(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0, i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
        out[o++] = b64url[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = b64url[v >> 18];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
    }
    out[o] = '\0';
    return o;
}

static int b64val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

int dft_b64url_decode(const char *in, size_t n, unsigned char *out, size_t outcap, size_t *outlen)
{
    if (n % 4 == 1)
        return -1;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; ++i) {
        int v = b64val(in[i]);
        if (v < 0)
            return -1;
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o == outcap)
                return -1;
            out[o++] = (unsigned char)(acc >> bits);
        }
    }
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
        return -1; /* non-canonical trailing bits */
    *outlen = o;
    return 0;
}

int dft_b64_decode(const char *in, size_t n, dft_buf_t *out)
{
    size_t pad = 0;
    while (pad < 2 && n > pad && in[n - 1 - pad] == '=')
        ++pad;
    if (pad > 0 && n % 4 != 0)
        return -1;
    n -= pad;
    char *url = dft_malloc(n + 1);
    for (size_t i = 0; i < n; ++i)
        url[i] = in[i] == '+' ? '-' : in[i] == '/' ? '_' : (in[i] == '-' || in[i] == '_') ? '!' : in[i];
    dft_buf_reserve(out, n * 3 / 4 + 1);
    size_t got = 0;
    int rc = dft_b64url_decode(url, n, (unsigned char *)out->data + out->len, n * 3 / 4 + 1, &got);
    free(url);
    if (rc == 0)
        out->len += got;
    return rc;
}

void dft_sha256_hex(const void *data, size_t n, char *out)
{
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; ++i) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

void dft_random_token(const char *prefix, char *out)
{
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof(raw)) != 1)
        dft_fatal("RAND_bytes failed");
    size_t pl = strlen(prefix);
    memcpy(out, prefix, pl);
    dft_b64url_encode(raw, sizeof(raw), out + pl);
    dft_wipe(raw, sizeof(raw));
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int unhex(const char *hex, size_t n, unsigned char *out)
{
    for (size_t i = 0; i < n; ++i) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

int dft_master_key_parse(const char *hex, unsigned char key[32])
{
    return strlen(hex) == 64 && unhex(hex, 32, key) == 0 ? 0 : -1;
}

static void put_hex(dft_buf_t *b, const unsigned char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    dft_buf_reserve(b, 2 * n);
    for (size_t i = 0; i < n; ++i) {
        b->data[b->len++] = hex[p[i] >> 4];
        b->data[b->len++] = hex[p[i] & 15];
    }
    b->data[b->len] = '\0';
}

void dft_seal(const unsigned char key[32], const unsigned char *plain, size_t n, dft_buf_t *out)
{
    unsigned char nonce[12];
    int len = 0, fin = 0;
    if (RAND_bytes(nonce, sizeof(nonce)) != 1)
        dft_fatal("RAND_bytes failed");
    dft_buf_reserve(out, 12 + n + 16 + 16);
    unsigned char *o = (unsigned char *)out->data + out->len;
    memcpy(o, nonce, 12);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL || EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, nonce) != 1 ||
        EVP_EncryptUpdate(ctx, o + 12, &len, plain, (int)n) != 1 || EVP_EncryptFinal_ex(ctx, o + 12 + len, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, o + 12 + len + fin) != 1)
        dft_fatal("AES-256-GCM encryption failed");
    EVP_CIPHER_CTX_free(ctx);
    out->len += 12 + (size_t)(len + fin) + 16;
    out->data[out->len] = '\0';
}

int dft_open_to(const unsigned char key[32], const unsigned char *sealed, size_t n, unsigned char *o)
{
    if (n < 12 + 16)
        return -1;
    size_t ctlen = n - 12 - 16;
    int len = 0, fin = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int ok = ctx != NULL && ctlen <= INT_MAX && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, sealed) == 1 &&
             EVP_DecryptUpdate(ctx, o, &len, sealed + 12, (int)ctlen) == 1 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, (void *)(sealed + n - 16)) == 1 &&
             EVP_DecryptFinal_ex(ctx, o + len, &fin) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        dft_wipe(o, ctlen);
        return -1;
    }
    return 0;
}

int dft_open(const unsigned char key[32], const unsigned char *sealed, size_t n, dft_buf_t *out)
{
    if (n < 12 + 16)
        return -1;
    size_t ctlen = n - 12 - 16;
    dft_buf_reserve(out, ctlen + 16);
    if (dft_open_to(key, sealed, n, (unsigned char *)out->data + out->len) != 0)
        return -1;
    out->len += ctlen;
    out->data[out->len] = '\0';
    return 0;
}

void dft_seal_hex(const unsigned char key[32], const unsigned char *plain, size_t n, dft_buf_t *b)
{
    dft_buf_t raw = {0};
    dft_seal(key, plain, n, &raw);
    put_hex(b, (unsigned char *)raw.data, raw.len);
    dft_buf_dispose(&raw);
}

int dft_open_hex(const unsigned char key[32], const char *hex, dft_buf_t *b)
{
    size_t hl = strlen(hex);
    if (hl % 2 != 0 || hl < 2 * (12 + 16))
        return -1;
    size_t n = hl / 2;
    unsigned char *raw = dft_malloc(n);
    int rc = unhex(hex, n, raw) == 0 ? dft_open(key, raw, n, b) : -1;
    free(raw);
    return rc;
}

void dft_hkdf32(const unsigned char ikm[32], const char *info, unsigned char out[32])
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)ikm, 32),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)info, strlen(info)),
        OSSL_PARAM_construct_end(),
    };
    if (ctx == NULL || EVP_KDF_derive(ctx, out, 32, params) != 1)
        dft_fatal("HKDF failed");
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
}

/* ------------------------------------------------------------- scrypt */

#define SCRYPT_R 8
#define SCRYPT_P 1

/* N = 2^scrypt_log_n for new hashes: OWASP's 2^17 by default (128 MiB and
 * about half a second a hash here); set once at start-up, before any thread. */
static unsigned scrypt_log_n = 17;
#define DUMMY_HASH(ln) "$scrypt$ln=" ln ",r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
static char dummy_hash[96] = DUMMY_HASH("17");

void dft_password_set_cost(unsigned log_n)
{
    if (log_n < 14 || log_n > 18)
        dft_fatal("scrypt cost 2^%u out of range", log_n);
    scrypt_log_n = log_n;
    snprintf(dummy_hash, sizeof(dummy_hash), DUMMY_HASH("%u"), log_n);
}

int dft_password_needs_rehash(const char *encoded)
{
    unsigned log_n, r, p;
    return sscanf(encoded, "$scrypt$ln=%u,r=%u,p=%u$", &log_n, &r, &p) != 3 || log_n < scrypt_log_n || r < SCRYPT_R;
}

static dft_kdf_fn kdf_elsewhere;

void dft_password_set_kdf(dft_kdf_fn fn)
{
    kdf_elsewhere = fn;
}

/* 0, -1 when the KDF refused (as a wrong password), -2 when kdf_elsewhere could not run it. */
static int scrypt(const char *pw, size_t len, const unsigned char *salt, size_t saltlen, unsigned log_n, unsigned r,
                  unsigned p, unsigned char *out, size_t outlen)
{
    if (kdf_elsewhere != NULL) {
        int rc = kdf_elsewhere(pw, len, salt, saltlen, log_n, r, p, out, outlen);
        if (rc != 1) /* 1: run it here */
            return rc;
    }
    return dft_scrypt(pw, len, salt, saltlen, log_n, r, p, out, outlen);
}

int dft_scrypt(const char *pw, size_t len, const unsigned char *salt, size_t saltlen, unsigned log_n, unsigned r,
               unsigned p, unsigned char *out, size_t outlen)
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    uint64_t n = (uint64_t)1 << log_n, maxmem = (uint64_t)256 << 20;
    uint32_t r32 = r, p32 = p;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pw, len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, saltlen),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r32),
        OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p32),
        OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
        OSSL_PARAM_construct_end(),
    };
    int ok = ctx != NULL && EVP_KDF_derive(ctx, out, outlen, params) == 1;
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return ok ? 0 : -1;
}

int dft_password_hash(const char *password, size_t len, dft_buf_t *out)
{
    unsigned char salt[16], hash[32];
    char s64[32], h64[48];
    if (RAND_bytes(salt, sizeof(salt)) != 1 ||
        scrypt(password, len, salt, sizeof(salt), scrypt_log_n, SCRYPT_R, SCRYPT_P, hash, sizeof(hash)) != 0)
        return -1;
    dft_b64url_encode(salt, sizeof(salt), s64);
    dft_b64url_encode(hash, sizeof(hash), h64);
    dft_buf_printf(out, "$scrypt$ln=%u,r=%d,p=%d$%s$%s", scrypt_log_n, SCRYPT_R, SCRYPT_P, s64, h64);
    dft_wipe(hash, sizeof(hash));
    return 0;
}

int dft_password_verify(const char *password, size_t len, const char *encoded)
{
    unsigned log_n, r, p;
    char s64[64], h64[96];
    unsigned char salt[48], want[64], got[64];
    size_t saltlen, wantlen;
    if (sscanf(encoded, "$scrypt$ln=%u,r=%u,p=%u$%63[A-Za-z0-9_-]$%95[A-Za-z0-9_-]", &log_n, &r, &p, s64, h64) != 5 ||
        log_n < 10 || log_n > 20 || r < 1 || r > 32 || p < 1 || p > 4 ||
        dft_b64url_decode(s64, strlen(s64), salt, sizeof(salt), &saltlen) != 0 ||
        dft_b64url_decode(h64, strlen(h64), want, sizeof(want), &wantlen) != 0 || wantlen < 16)
        return 0;
    int rc = scrypt(password, len, salt, saltlen, log_n, r, p, got, wantlen);
    if (rc != 0)
        return rc == -2 ? -1 : 0;
    int ok = CRYPTO_memcmp(got, want, wantlen) == 0;
    dft_wipe(got, sizeof(got));
    return ok;
}

const char *dft_password_dummy_hash(void)
{
    /* salt and hash of no real password, at the cost of new hashes: verifying against it costs
     * what checking a current password costs (an unknown UID answers no faster) */
    return dummy_hash;
}

void dft_password_temporary(char *out)
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* 55, no 0/O/1/l/I */
    unsigned char raw[12];
    for (int i = 0; i < 12; ++i) {
        do {
            if (RAND_bytes(raw + i, 1) != 1)
                dft_fatal("RAND_bytes failed");
        } while (raw[i] >= 220); /* 220 = 4 * 55: no modulo bias */
        out[i] = alphabet[raw[i] % 55];
    }
    out[12] = '\0';
    dft_wipe(raw, sizeof(raw));
}

/* ------------------------------------------------------------ EC keys */

int dft_ec_keygen(dft_buf_t *private_pem, dft_buf_t *public_pem)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (key == NULL)
        return -1;
    BIO *priv = BIO_new(BIO_s_mem()), *pub = BIO_new(BIO_s_mem());
    int ok = PEM_write_bio_PrivateKey(priv, key, NULL, NULL, 0, NULL, NULL) == 1 && PEM_write_bio_PUBKEY(pub, key) == 1;
    if (ok) {
        char *p;
        long n = BIO_get_mem_data(priv, &p);
        dft_buf_append(private_pem, p, (size_t)n);
        n = BIO_get_mem_data(pub, &p);
        dft_buf_append(public_pem, p, (size_t)n);
    }
    BIO_free_all(priv); /* the memory BIO is cleared on free */
    BIO_free_all(pub);
    EVP_PKEY_free(key);
    return ok ? 0 : -1;
}

int dft_ec_public_jwk(const char *public_pem, const char *kid, dft_buf_t *out)
{
    BIO *bio = BIO_new_mem_buf(public_pem, -1);
    EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    if (key == NULL)
        return -1;
    BIGNUM *x = NULL, *y = NULL;
    int ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
             EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1;
    if (ok) {
        unsigned char xb[32], yb[32];
        char x64[48], y64[48];
        BN_bn2binpad(x, xb, 32);
        BN_bn2binpad(y, yb, 32);
        dft_b64url_encode(xb, 32, x64);
        dft_b64url_encode(yb, 32, y64);
        dft_buf_printf(out, "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"kid\":\"%s\",\"alg\":\"ES256\",\"use\":\"sig\"}",
                       x64, y64, kid);
    }
    BN_free(x);
    BN_free(y);
    EVP_PKEY_free(key);
    return ok ? 0 : -1;
}

/* --------------------------------------------------------------- TOTP */

unsigned dft_totp_code(const unsigned char *secret, size_t n, uint64_t step)
{
    unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    for (int i = 7; i >= 0; --i, step >>= 8)
        msg[i] = (unsigned char)(step & 0xff);
    HMAC(EVP_sha1(), secret, (int)n, msg, sizeof(msg), mac, &maclen);
    unsigned off = mac[maclen - 1] & 0x0f;
    uint32_t bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 | (uint32_t)mac[off + 2] << 8 | mac[off + 3];
    return bin % 1000000;
}

uint64_t dft_totp_match(const unsigned char *secret, size_t n, const char *code, int64_t unix_now, uint64_t after)
{
    if (code == NULL || strlen(code) != 6 || strspn(code, "0123456789") != 6 || unix_now < 60)
        return 0;
    unsigned want = (unsigned)strtoul(code, NULL, 10);
    uint64_t now = (uint64_t)unix_now / 30, found = 0;
    for (uint64_t s = now - 1; s <= now + 1; ++s) /* compare all three: no early exit by position */
        if (s > after && dft_totp_code(secret, n, s) == want && found == 0)
            found = s;
    return found;
}

size_t dft_base32_encode(const unsigned char *in, size_t n, char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; ++i) {
        acc = acc << 8 | in[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = alphabet[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[o++] = alphabet[(acc << (5 - bits)) & 31];
    out[o] = '\0';
    return o;
}
