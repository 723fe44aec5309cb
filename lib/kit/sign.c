/*
 * sign.c — see sign.h. Certificates and CMS through OpenSSL 3. The trust
 * store (the CAs of signing_ca and the CRLs of signing_crl_dir) is built at
 * start-up and built anew, on a worker thread, when a file of the CRL
 * directory changes; a verification holds a reference to the store it
 * started with (X509_STORE is safe for concurrent verification). OpenSSL's
 * error text never leaves this file: callers get a fixed sentence for the
 * officer.
 */
#include "sign.h"

#include "../auth/crypto.h"
#include "../core/core.h"
#include "../core/log.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static X509_STORE *trust; /* under trust_lock; replaced whole */
static pthread_mutex_t trust_lock = PTHREAD_MUTEX_INITIALIZER;
static char *ca_file, *crl_dir;
static int available;        /* set once at start-up */
static uint64_t crl_stamp;   /* files and mtimes of crl_dir when trust was built */
static uint64_t crl_refused; /* the stamp of a directory that could not be read whole (kept out: trust stays) */
static time_t crl_looked;    /* when crl_dir was last looked at */

/* A CA without a CRL file is not checked for revocation; an expired CRL refuses (refresh it). */
static int tolerate_missing_crl(int ok, X509_STORE_CTX *ctx)
{
    return ok || X509_STORE_CTX_get_error(ctx) == X509_V_ERR_UNABLE_TO_GET_CRL;
}

/* Calls each() on every regular file of crl_dir but dot files, in directory order, until one
 * returns non-zero; that value, 0, or -1 when the directory cannot be read. */
static int crl_files(int (*each)(const char *path, const char *name, const struct stat *st, void *arg), void *arg)
{
    DIR *d = opendir(crl_dir);
    struct dirent *e;
    int rc = d != NULL ? 0 : -1;
    while (rc == 0 && d != NULL && (e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;
        if (e->d_name[0] != '.' && (size_t)snprintf(path, sizeof(path), "%s/%s", crl_dir, e->d_name) < sizeof(path) &&
            stat(path, &st) == 0 && S_ISREG(st.st_mode))
            rc = each(path, e->d_name, &st, arg);
    }
    if (d != NULL)
        closedir(d);
    return rc;
}

static int stamp_file(const char *path, const char *name, const struct stat *st, void *arg)
{
    (void)path, (void)name;
    uint64_t *stamp = arg;
    *stamp = *stamp * 1099511628211ull + (uint64_t)st->st_mtim.tv_sec * 1000000000ull + (uint64_t)st->st_mtim.tv_nsec +
             (uint64_t)st->st_size;
    return 0;
}

/* What crl_dir holds now: a hash of its regular files' mtimes and sizes; 0 when unreadable. */
static uint64_t crl_dir_stamp(void)
{
    uint64_t stamp = 1;
    return crl_files(stamp_file, &stamp) == 0 ? stamp : 0;
}

/* A file that holds no CRL (damaged, or caught half-written) fails the whole store: a CA whose
 * CRL went missing would otherwise pass every certificate it ever revoked. */
static int load_crl_file(const char *path, const char *name, const struct stat *st, void *arg)
{
    (void)st;
    X509_LOOKUP *lookup = arg;
    if (X509_load_crl_file(lookup, path, X509_FILETYPE_PEM) > 0 || X509_load_crl_file(lookup, path, X509_FILETYPE_ASN1) > 0)
        return 0;
    dft_log(DFT_LOG_WARN, "config", "signing_crl_dir: %s holds no CRL (damaged, or not written whole)", name);
    return -1;
}

/* The CAs, and the CRLs (PEM or DER, any number a file) of crl_dir, checked for every
 * certificate of a chain (an intermediate CA its parent revoked refuses what it issued);
 * NULL when a file is unusable. */
static X509_STORE *store_build(void)
{
    X509_STORE *s = X509_STORE_new();
    if (s == NULL || X509_STORE_load_file(s, ca_file) != 1)
        goto fail;
    if (crl_dir != NULL) {
        X509_LOOKUP *lookup = X509_STORE_add_lookup(s, X509_LOOKUP_file());
        if (lookup == NULL || crl_files(load_crl_file, lookup) != 0)
            goto fail;
        X509_STORE_set_flags(s, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
        X509_STORE_set_verify_cb(s, tolerate_missing_crl);
    }
    ERR_clear_error();
    return s;
fail:
    ERR_clear_error();
    X509_STORE_free(s);
    return NULL;
}

int dft_sign_init(const char *ca_path, const char *crl_path)
{
    if (ca_path == NULL || ca_path[0] == '\0')
        return 0;
    ca_file = dft_strdup(ca_path);
    crl_dir = crl_path != NULL && crl_path[0] != '\0' ? dft_strdup(crl_path) : NULL;
    crl_stamp = crl_dir != NULL ? crl_dir_stamp() : 0;
    if (crl_dir != NULL && crl_stamp == 0)
        return -1;
    crl_looked = time(NULL);
    trust = store_build();
    available = trust != NULL;
    return available ? 0 : -1;
}

/* The store to verify with (a reference: X509_STORE_free it); rebuilt first when the CRL
 * directory changed (looked at once a second at most; a directory that cannot be read whole
 * keeps the store in force until it changes again). Worker threads only: it reads files. */
static X509_STORE *store_acquire(void)
{
    pthread_mutex_lock(&trust_lock);
    time_t now = time(NULL);
    if (crl_dir != NULL && now != crl_looked) {
        crl_looked = now;
        uint64_t stamp = crl_dir_stamp();
        if (stamp != 0 && stamp != crl_stamp && stamp != crl_refused) {
            X509_STORE *fresh = store_build();
            if (fresh != NULL) {
                X509_STORE_free(trust); /* verifications under way hold their own reference */
                trust = fresh;
                crl_stamp = stamp;
            } else {
                crl_refused = stamp;
                dft_log(DFT_LOG_WARN, "config",
                        "signing_crl_dir changed but cannot be read whole: the CRLs read before stay in force");
            }
        }
    }
    X509_STORE *s = trust;
    if (s != NULL)
        X509_STORE_up_ref(s);
    pthread_mutex_unlock(&trust_lock);
    return s;
}

int dft_sign_available(void)
{
    return available;
}

/* ------------------------------------------------------------ helpers */

static void time_text(const ASN1_TIME *t, char out[24])
{
    struct tm tm;
    out[0] = '\0';
    if (t != NULL && ASN1_TIME_to_tm(t, &tm) == 1)
        strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* RFC 2253 with bytes above 0x7f escaped, so the text is ASCII; truncated to fit. */
static void name_text(const X509_NAME *name, char out[256])
{
    out[0] = '\0';
    BIO *b = BIO_new(BIO_s_mem());
    if (b == NULL)
        return;
    if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0) {
        int n = BIO_read(b, out, 255);
        out[n > 0 ? n : 0] = '\0';
    }
    BIO_free(b);
}

static void cert_info(X509 *x, dft_cert_info_t *info)
{
    unsigned char md[32];
    unsigned int n = 0;
    static const char hex[] = "0123456789abcdef";
    X509_digest(x, EVP_sha256(), md, &n);
    for (unsigned i = 0; i < 32; ++i) {
        info->fingerprint[2 * i] = hex[md[i] >> 4];
        info->fingerprint[2 * i + 1] = hex[md[i] & 15];
    }
    info->fingerprint[64] = '\0';
    name_text(X509_get_subject_name(x), info->subject);
    name_text(X509_get_issuer_name(x), info->issuer);
    info->serial[0] = '\0';
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *s = bn ? BN_bn2hex(bn) : NULL;
    if (s != NULL)
        snprintf(info->serial, sizeof(info->serial), "%s", s);
    OPENSSL_free(s);
    BN_free(bn);
    time_text(X509_get0_notBefore(x), info->not_before);
    time_text(X509_get0_notAfter(x), info->not_after);
}

/* Valid now, issued by a trusted CA, an end-entity certificate that may sign. */
static int cert_usable(X509 *x, const char **why)
{
    if (!available) {
        *why = "Digital signatures are not configured on this server.";
        return -1;
    }
    if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0) {
        *why = "The certificate has expired.";
        return -1;
    }
    if (X509_cmp_current_time(X509_get0_notBefore(x)) >= 0) {
        *why = "The certificate is not valid yet.";
        return -1;
    }
    if (X509_check_ca(x) != 0) {
        *why = "A certification authority's certificate cannot sign notes.";
        return -1;
    }
    uint32_t ku = X509_get_key_usage(x);
    if (ku != UINT32_MAX && (ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)) == 0) {
        *why = "The certificate's key usage does not allow signing.";
        return -1;
    }
    X509_STORE *store = store_acquire();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int ok = store != NULL && ctx != NULL && X509_STORE_CTX_init(ctx, store, x, NULL) == 1 && X509_verify_cert(ctx) == 1;
    int err = ctx != NULL ? X509_STORE_CTX_get_error(ctx) : 0;
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    if (!ok) {
        *why = err == X509_V_ERR_CERT_REVOKED ? "The certificate has been revoked by its certification authority."
               : err == X509_V_ERR_CRL_HAS_EXPIRED
                   ? "The revocation list of the certificate's authority has expired; the operator must refresh it."
                   : "The certificate is not issued by a certification authority this server trusts.";
        return -1;
    }
    return 0;
}

/* One DER certificate, all of the bytes; NULL otherwise. */
static X509 *der_cert(const unsigned char *der, size_t len)
{
    const unsigned char *p = der;
    X509 *x = len <= LONG_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
    if (x != NULL && p != der + len) {
        X509_free(x);
        x = NULL;
    }
    return x;
}

/* ------------------------------------------------------- certificates */

int dft_cert_check(const unsigned char *der, size_t len, dft_cert_info_t *info, const char **why)
{
    X509 *x = der_cert(der, len);
    int rc = -1;
    if (x == NULL)
        *why = "This is not an X.509 certificate (PEM, or DER in base64).";
    else if (cert_usable(x, why) == 0)
        rc = 0;
    if (x != NULL)
        cert_info(x, info);
    X509_free(x);
    ERR_clear_error();
    return rc;
}

int dft_cert_from_text(const char *text, size_t len, dft_buf_t *der)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    if (len < sizeof(begin) - 1 || memcmp(text, begin, sizeof(begin) - 1) != 0)
        return dft_b64_decode(text, len, der);
    BIO *b = len <= INT_MAX ? BIO_new_mem_buf(text, (int)len) : NULL;
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    unsigned char *p = NULL;
    int n = x ? i2d_X509(x, &p) : -1;
    if (n > 0)
        dft_buf_append(der, (const char *)p, (size_t)n);
    OPENSSL_free(p);
    X509_free(x);
    BIO_free(b);
    ERR_clear_error();
    return n > 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- CMS */

static void signing_time(CMS_SignerInfo *si, char out[24])
{
    out[0] = '\0';
    int idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
    X509_ATTRIBUTE *a = idx >= 0 ? CMS_signed_get_attr(si, idx) : NULL;
    ASN1_TYPE *t = a ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;
    if (t != NULL && (t->type == V_ASN1_UTCTIME || t->type == V_ASN1_GENERALIZEDTIME))
        time_text((const ASN1_TIME *)t->value.asn1_string, out);
}

int dft_cms_verify(const unsigned char *cms, size_t cms_len, const unsigned char *content, size_t content_len,
                   const dft_der_t *certs, size_t ncerts, int check_chain, dft_cert_info_t *signer,
                   char signed_at[24], const char **why)
{
    int rc = -1;
    X509 *match = NULL;
    STACK_OF(X509) *sk = NULL;
    BIO *data = NULL;
    const unsigned char *p = cms;
    CMS_ContentInfo *ci = cms_len <= LONG_MAX ? d2i_CMS_ContentInfo(NULL, &p, (long)cms_len) : NULL;
    if (ci == NULL || p != cms + cms_len || OBJ_obj2nid(CMS_get0_type(ci)) != NID_pkcs7_signed) {
        *why = "The signature is not a DER-encoded CMS (PKCS#7) signed-data structure.";
        goto done;
    }
    if (!CMS_is_detached(ci)) {
        *why = "Send a detached signature: the signed note hash must not be inside it.";
        goto done;
    }
    STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(ci);
    if (infos == NULL || sk_CMS_SignerInfo_num(infos) != 1) {
        *why = "The signature must have exactly one signer.";
        goto done;
    }
    CMS_SignerInfo *si = sk_CMS_SignerInfo_value(infos, 0);
    for (size_t i = 0; i < ncerts && match == NULL; ++i) {
        X509 *x = der_cert(certs[i].data, certs[i].len);
        if (x != NULL && CMS_SignerInfo_cert_cmp(si, x) == 0)
            match = x;
        else
            X509_free(x);
    }
    if (match == NULL) {
        *why = "The signature was not made with a certificate you registered (POST /v1/me/certificates).";
        goto done;
    }
    if (check_chain && cert_usable(match, why) != 0)
        goto done;
    sk = sk_X509_new_null();
    data = content_len <= INT_MAX ? BIO_new_mem_buf(content, (int)content_len) : NULL;
    if (sk == NULL || data == NULL || !sk_X509_push(sk, match)) {
        *why = "The signature could not be checked.";
        goto done;
    }
    if (CMS_verify(ci, sk, NULL, data, NULL, CMS_NOINTERN | CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
        *why = "The signature does not match the note's hash: it was made over other bytes, or is damaged.";
        goto done;
    }
    cert_info(match, signer);
    signing_time(si, signed_at);
    rc = 0;
done:
    if (sk != NULL)
        sk_X509_free(sk); /* match is freed below, not through the stack */
    X509_free(match);
    BIO_free(data);
    CMS_ContentInfo_free(ci);
    ERR_clear_error();
    return rc;
}
