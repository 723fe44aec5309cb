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
const dft_keyring_t *dft_auth_keyring(dft_thread_t *t);
/* The key that signs now on thread t, or NULL (no key, or no master key). */
const dft_key_t *dft_auth_signing_key(dft_thread_t *t, int64_t now);

#endif
