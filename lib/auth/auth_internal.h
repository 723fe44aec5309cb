/*
 * auth_internal.h — what crosses files inside lib/auth.
 */
#ifndef DFT_AUTH_INTERNAL_H
#define DFT_AUTH_INTERNAL_H

#include "auth.h"

typedef struct dft_key_t {
    char kid[72];
    char *public_pem;
    char *private_pem; /* NULL unless the master key opened it */
    int64_t signs_from, signs_until;
} dft_key_t;

typedef struct dft_keyring_t {
    dft_key_t *keys;
    size_t num_keys;
    char *jwks;
    size_t jwks_len;
} dft_keyring_t;

const dft_auth_params_t *dft_auth_params(void);
/* AES-256-GCM under the master key (hex); open: 0 or -1 (no key, tampered). */
int dft_auth_can_seal(void);
void dft_auth_seal(const unsigned char *plain, size_t n, dft_buf_t *out);
int dft_auth_open(const char *hex, dft_buf_t *out);
const dft_keyring_t *dft_auth_keyring(dft_thread_t *t);
/* The key that signs now on thread t, or NULL (no key, or no master key). */
const dft_key_t *dft_auth_signing_key(dft_thread_t *t, int64_t now);

#endif
