/*
 * sign.h — digital signatures of any family (e-File's notes, e-Dispatch's
 * approvals of draft letters): officer certificates checked against the
 * trusted CAs (config `signing_ca`, a PEM bundle), and detached CMS (PKCS#7)
 * signatures verified against the signer's registered certificates.
 *
 * What an officer signs is a hash (a note's, a draft version's) as its 64
 * lowercase hex characters (the bytes of the text, no newline); the signature is DER,
 * sent in base64. These functions do CPU work (parsing, one public-key
 * verification): call them on a worker thread.
 */
#ifndef DFT_SIGN_H
#define DFT_SIGN_H
#include "../core/core.h"

#include <stddef.h>

typedef struct dft_cert_info_t {
    char fingerprint[65];                 /* SHA-256 of the DER, hex */
    char subject[256], issuer[256];       /* RFC 2253 */
    char serial[96];                      /* hex */
    char not_before[24], not_after[24];   /* "YYYY-MM-DDTHH:MM:SSZ" */
} dft_cert_info_t;

/* Loads the trusted CAs and, when crl_path names a directory, the CRLs in its files, checked
 * for every certificate of a chain (a CA without one is not checked for revocation; an expired
 * one refuses); the CRLs are read again when the directory's files change, and a change that
 * leaves a file holding no CRL keeps the CRLs read before. "" CAs leave signatures
 * unavailable. 0, or -1 when a named file or directory is unusable. */
int dft_sign_init(const char *ca_path, const char *crl_path);
/* 1 when CAs are loaded. */
int dft_sign_available(void);

/* A certificate as an officer sends it (PEM, or DER in base64) as DER appended to der; 0 or -1. */
int dft_cert_from_text(const char *text, size_t len, dft_buf_t *der);

/* Checks a certificate offered for registration: parses, currently valid,
 * chains to a trusted CA, key usage allows signing. 0 with info filled, or
 * -1 with *why a sentence for the officer. */
int dft_cert_check(const unsigned char *der, size_t len, dft_cert_info_t *info, const char **why);

typedef struct dft_der_t {
    const unsigned char *data;
    size_t len;
} dft_der_t;

/* Verifies a detached CMS signature over content, made with one of `certs`
 * (the signer's registered certificates), each still valid and chaining to a
 * trusted CA (check_chain), or only the signature itself (!check_chain: for
 * showing a stored signature again). 0 with signer filled and signing_time
 * ("" when the CMS has none), or -1 with *why. */
int dft_cms_verify(const unsigned char *cms, size_t cms_len, const unsigned char *content, size_t content_len,
                   const dft_der_t *certs, size_t ncerts, int check_chain, dft_cert_info_t *signer,
                   char signing_time[24], const char **why);
#endif
