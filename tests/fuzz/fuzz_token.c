/*
 * fuzz_token.c — access-token verification (our header checks, libjwt,
 * claim checks) on arbitrary tokens, with a real P-256 key behind a valid kid;
 * and the same bytes as a session from the catalog (dft_session_parse).
 */
#include "auth/auth.h"
#include "auth/crypto.h"

#include <assert.h>

static dft_buf_t priv, pub;

static const char *lookup(void *ctx, const char *kid)
{
    (void)ctx;
    return strcmp(kid, "fuzzkid-0001") == 0 ? pub.data : NULL;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static const dft_auth_params_t params = {"daftar", "daftar-api", 900};
    if (pub.data == NULL && dft_ec_keygen(&priv, &pub) != 0)
        return 0;
    dft_principal_t p;
    const char *why;
    if (dft_token_verify((const char *)data, size, lookup, NULL, &params, 1800000000, &p, &why) == 0)
        assert(p.num_memberships == 0 && p.uid[sizeof(p.uid) - 1] == '\0');
    dft_membership_t m[DFT_AUTH_MAX_MEMBERSHIPS];
    dft_clearance_t c;
    size_t n;
    if (dft_session_parse((const char *)data, size, &c, m, &n) == NULL)
        assert(n <= DFT_AUTH_MAX_MEMBERSHIPS && c <= DFT_CLR_SECRET);
    return 0;
}
