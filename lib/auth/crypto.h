/*
 * crypto.h — the cryptography daftar uses, all through OpenSSL 3:
 * base64url, SHA-256, random tokens, AES-256-GCM under the master key,
 * scrypt password hashes, and P-256 signing keys.
 *
 * scrypt is deliberately slow (tens of milliseconds): call the password
 * functions only on a worker thread, never on an event loop.
 */
#ifndef DFT_CRYPTO_H
#define DFT_CRYPTO_H

#include "../core/core.h"

#include <stddef.h>
#include <stdint.h>

/* base64url without padding. encode: out needs 4*ceil(n/3)+1. decode: -1 on bad input. */
size_t dft_b64url_encode(const unsigned char *in, size_t n, char *out);
int dft_b64url_decode(const char *in, size_t n, unsigned char *out, size_t outcap, size_t *outlen);

/* Standard base64 (RFC 4648 section 4, '=' padding optional), appended to out; -1 on bad input. */
int dft_b64_decode(const char *in, size_t n, dft_buf_t *out);
/* SHA-256 of data as 64 lowercase hex digits (out[65]). */
void dft_sha256_hex(const void *data, size_t n, char *out);

/* An opaque token: prefix + base64url of 32 random bytes (out needs strlen(prefix)+44). */
void dft_random_token(const char *prefix, char *out);

/* The master key: 32 bytes from 64 hex digits; 0 or -1. */
int dft_master_key_parse(const char *hex, unsigned char key[32]);
/* AES-256-GCM: hex(nonce || ciphertext || tag) into b (appended). */
void dft_seal_hex(const unsigned char key[32], const unsigned char *plain, size_t n, dft_buf_t *b);
/* Opens what dft_seal_hex made; 0 or -1 (wrong key, tampered). plain is appended to b. */
int dft_open_hex(const unsigned char key[32], const char *hex, dft_buf_t *b);
/* The same in raw bytes: nonce(12) || ciphertext || tag(16). */
void dft_seal(const unsigned char key[32], const unsigned char *plain, size_t n, dft_buf_t *out);
int dft_open(const unsigned char key[32], const unsigned char *sealed, size_t n, dft_buf_t *out);
/* The same into o, which holds n - 28 bytes. */
int dft_open_to(const unsigned char key[32], const unsigned char *sealed, size_t n, unsigned char *o);
/* HKDF-SHA256 of ikm with info: 32 bytes. */
void dft_hkdf32(const unsigned char ikm[32], const char *info, unsigned char out[32]);

/* scrypt (N = 2^15, r = 8, p = 1, 16-byte salt): "$scrypt$ln=15,r=8,p=1$<salt>$<hash>" (base64url). */
int dft_password_hash(const char *password, size_t len, dft_buf_t *out);
/* 1 when password matches encoded, 0 when not or when encoded is malformed; constant time over the hash;
 * -1 when it could not be computed (the hashing helper process gone: answer 503, not a wrong password). */
int dft_password_verify(const char *password, size_t len, const char *encoded);
/* scrypt itself, here: 0 or -1. */
int dft_scrypt(const char *pw, size_t len, const unsigned char *salt, size_t saltlen, unsigned log_n, unsigned r,
               unsigned p, unsigned char *out, size_t outlen);
/* Where the password functions run scrypt: fn returns 0 (done), -1 (the KDF refused), -2 (could not run it),
 * or 1 (run it in this thread). Set once at start-up (the server: lib/auth/hasher.c). */
typedef int (*dft_kdf_fn)(const char *pw, size_t len, const unsigned char *salt, size_t saltlen, unsigned log_n,
                          unsigned r, unsigned p, unsigned char *out, size_t outlen);
void dft_password_set_kdf(dft_kdf_fn fn);
/* A hash of a random password, for running the same work when an account does not exist. */
const char *dft_password_dummy_hash(void);
/* The scrypt cost of new hashes (log2 N, 14..18); call before any thread hashes. */
void dft_password_set_cost(unsigned log_n);
/* 1 when an encoded hash is weaker than new ones (rehash it at the next right password). */
int dft_password_needs_rehash(const char *encoded);
/* A temporary password: 12 characters from an alphabet without look-alikes (out[13]). */
void dft_password_temporary(char *out);

/* A new P-256 key: private and public PEM appended to the buffers; 0 or -1. */
int dft_ec_keygen(dft_buf_t *private_pem, dft_buf_t *public_pem);
/* The JWK of a P-256 public key PEM: {"kty":"EC","crv":"P-256","x":..,"y":..,"kid":..,"alg":"ES256","use":"sig"}. */
int dft_ec_public_jwk(const char *public_pem, const char *kid, dft_buf_t *out);

/* ---- TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps) ---- */
/* The 6-digit code for time step `step` of the raw secret. */
unsigned dft_totp_code(const unsigned char *secret, size_t n, uint64_t step);
/* The step among now-1, now, now+1 (in 30 s steps of unix time) whose code is
 * `code` and that is later than `after`; 0 when none (0 is never a real step). */
uint64_t dft_totp_match(const unsigned char *secret, size_t n, const char *code, int64_t unix_now, uint64_t after);
/* RFC 4648 base32 without padding; out needs (n*8+4)/5+1 bytes. */
size_t dft_base32_encode(const unsigned char *in, size_t n, char *out);

#endif
