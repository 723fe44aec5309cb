/*
 * fuzz_cms.c — what officers send for signatures: certificate text (PEM or
 * base64 DER) through parsing and checking, and CMS signatures through
 * verification against a real registered certificate, over a fixed note hash.
 * The first input byte picks the parser. A test CA and officer certificate
 * are made once (OpenSSL), and the CA is the trust store.
 */
#include "kit/sign.h"

#include <assert.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned char *cert_der;
static size_t cert_len;

static X509 *make_cert(EVP_PKEY *key, EVP_PKEY *signer, X509 *issuer, const char *cn, int ca)
{
    X509 *x = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(x), ca ? 1 : 2);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 3650);
    X509_set_pubkey(x, key);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    if (ca) {
        X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints, "critical,CA:TRUE");
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }
    X509_sign(x, signer, EVP_sha256());
    return x;
}

static void setup(void)
{
    EVP_PKEY *ca_key = EVP_EC_gen("P-256"), *key = EVP_EC_gen("P-256");
    X509 *ca = make_cert(ca_key, ca_key, NULL, "fuzz CA", 1);
    X509 *leaf = make_cert(key, ca_key, ca, "fuzz officer", 0);
    char path[] = "/tmp/daftar-fuzz-ca-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    PEM_write_X509(f, ca);
    fclose(f);
    int rc = dft_sign_init(path, NULL);
    assert(rc == 0);
    unlink(path);
    unsigned char *p = NULL;
    int n = i2d_X509(leaf, &p);
    assert(n > 0);
    cert_der = p;
    cert_len = (size_t)n;
    X509_free(ca);
    X509_free(leaf);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(key);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static const char hash[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    if (cert_der == NULL)
        setup();
    if (size == 0)
        return 0;
    const char *why = NULL;
    dft_cert_info_t info;
    if (data[0] & 1) {
        dft_buf_t der = {0};
        if (dft_cert_from_text((const char *)data + 1, size - 1, &der) == 0)
            (void)dft_cert_check((const unsigned char *)der.data, der.len, &info, &why);
        dft_buf_dispose(&der);
    } else {
        char when[24];
        dft_der_t certs[] = {{cert_der, cert_len}};
        if (dft_cms_verify(data + 1, size - 1, (const unsigned char *)hash, 64, certs, 1, data[0] & 2, &info, when, &why) == 0)
            assert(strlen(info.fingerprint) == 64 && strlen(when) < 24);
        else
            assert(why != NULL);
    }
    return 0;
}
