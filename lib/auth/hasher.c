/*
 * hasher.c — scrypt in the workers' helper processes (lib/http/worker.h). The
 * server points the password functions (crypto.c) at kdf_in_helper: on a
 * worker thread the password, salt and cost go to the worker's helper over
 * its socketpair and the derived key comes back; the helper (`daftar
 * worker-helper`) runs handle. A helper that is gone makes the call fail (-2:
 * the sign-in answers 503, counted as no wrong password) and is started again
 * for the next. Nothing of the request is logged; both sides wipe their
 * buffers.
 */
#include "auth.h"
#include "crypto.h"

#include "../core/core.h"
#include "../http/worker.h"

#include <stdint.h>
#include <string.h>

typedef struct {
    uint32_t log_n, r, p, outlen, pwlen, saltlen;
} kdf_req_t; /* followed by the password and the salt */

#define KDF_MAX 4096 /* password + salt + header; the server takes passwords of at most 256 characters */
#define OUT_MAX 64

static ssize_t handle(const void *req, size_t len, void *resp, size_t cap)
{
    kdf_req_t h;
    unsigned char *o = resp;
    if (len < sizeof(h) || cap < 1 + OUT_MAX)
        return -1;
    memcpy(&h, req, sizeof(h));
    if (h.outlen == 0 || h.outlen > OUT_MAX || h.pwlen > KDF_MAX || h.saltlen > KDF_MAX ||
        sizeof(h) + (size_t)h.pwlen + h.saltlen != len)
        return -1;
    const char *pw = (const char *)req + sizeof(h);
    const unsigned char *salt = (const unsigned char *)pw + h.pwlen;
    o[0] = dft_scrypt(pw, h.pwlen, salt, h.saltlen, h.log_n, h.r, h.p, o + 1, h.outlen) == 0;
    return 1 + (ssize_t)h.outlen;
}

static int kdf_in_helper(const char *pw, size_t len, const unsigned char *salt, size_t saltlen, unsigned log_n,
                         unsigned r, unsigned p, unsigned char *out, size_t outlen)
{
    unsigned char req[sizeof(kdf_req_t) + KDF_MAX], resp[1 + OUT_MAX];
    if (outlen > OUT_MAX || sizeof(kdf_req_t) + len + saltlen > sizeof(req))
        return -1;
    kdf_req_t h = {log_n, r, p, (uint32_t)outlen, (uint32_t)len, (uint32_t)saltlen};
    memcpy(req, &h, sizeof(h));
    memcpy(req + sizeof(h), pw, len);
    memcpy(req + sizeof(h) + len, salt, saltlen);
    ssize_t n = dft_worker_call(req, sizeof(h) + len + saltlen, resp, sizeof(resp));
    dft_wipe(req, sizeof(h) + len + saltlen);
    if (n == -2)
        return 1; /* not a worker thread, or no helpers: here */
    if (n != (ssize_t)(1 + outlen)) {
        dft_wipe(resp, sizeof(resp));
        return -2;
    }
    memcpy(out, resp + 1, outlen);
    int ok = resp[0] == 1;
    dft_wipe(resp, sizeof(resp));
    return ok ? 0 : -1;
}

void dft_hasher_use_helpers(void)
{
    dft_password_set_kdf(kdf_in_helper);
}

int dft_hasher_serve(const char *parent)
{
    return dft_worker_helper_serve(parent, handle);
}
