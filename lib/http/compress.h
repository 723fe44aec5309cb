/*
 * compress.h — Brotli or gzip for the responses daftar builds itself: JSON,
 * problems and text of DFT_COMPRESS_MIN bytes and more, when the request's
 * Accept-Encoding takes one. Never documents (PDF, PNG, JPEG: already
 * compressed, and the types are not on the list), never h2o's own errors.
 *
 * libh2o 2.2.5 has a compress filter, but it compresses only status 200
 * (not 201 nor problems), sends `Vary` only when the request named an
 * encoding, and Debian builds it without Brotli; so responses are compressed
 * here (libbrotlienc, zlib), where their whole body is known. Brotli is
 * taken when the client takes it, for bodies up to DFT_COMPRESS_SLICE, in
 * one go: its encoder needs about 0.7 MiB at quality 4 whatever the body,
 * which a one-go compression returns at once, where a stream would hold it
 * across turns of the loop; larger bodies are gzipped a slice at a time, one
 * slice each time h2o asks for more (zlib's window sized to the body), so no
 * event loop is held for more than about a millisecond. Static bodies (the
 * contract, the docs page) carry both encodings, made at build time (Brotli
 * at quality 11) or start-up (gzip).
 *
 * `Vary: accept-encoding` goes on every response of a compressible type,
 * compressed or not, so a cache never hands a gzip body to a client that
 * did not ask for one. The ETag is the resource's version, not the bytes':
 * it stays the same in both encodings, so If-Match and If-None-Match work
 * whichever a client took.
 */
#ifndef DFT_COMPRESS_H
#define DFT_COMPRESS_H

#define H2O_USE_LIBUV 0
#include <h2o.h>

#define DFT_COMPRESS_MIN 1024
#define DFT_COMPRESS_SLICE (32 * 1024) /* input compressed per turn: about 0.5 ms of one core here at gzip level 5 */

/* The codings a request takes, as bits. */
enum { DFT_CODING_GZIP = 1, DFT_CODING_BR = 2 };

/* What Accept-Encoding lines said of gzip, br and "*": -1 not named, 0 refused (q=0), 1 accepted. */
typedef struct dft_accept_t {
    signed char gzip, br, any;
} dft_accept_t;

#define DFT_ACCEPT_INIT {-1, -1, -1}

/* Folds one Accept-Encoding header value into *ae (RFC 9110 12.5.3: codings with
 * optional weights; a malformed weight counts as q=0). */
void dft_accept_scan(dft_accept_t *ae, const char *value, size_t len);
/* The DFT_CODING_ bits that may be sent: each named with q>0, or not named and "*" with q>0.
 * (Weights above zero do not rank them: Brotli, when taken, is smaller at like cost.) */
int dft_accept_codings(const dft_accept_t *ae);
/* Every Accept-Encoding line of the request, folded: DFT_CODING_ bits. */
int dft_compress_wanted(const h2o_headers_t *headers);

/* 1 for the media types daftar compresses: JSON (and +json), text, JavaScript. */
int dft_compress_type(const char *content_type);

/* Sends body compressed as the response when the codings (DFT_CODING_ bits) take one that
 * is on: Brotli at br_quality (0 = off) for bodies up to DFT_COMPRESS_SLICE, else gzip at
 * gzip_level (0 = off). Status and headers already set (not Content-Length), nothing sent
 * yet; body lives as long as the request. Returns 0 when it sent nothing (no coding fits). */
int dft_compress_send(h2o_req_t *req, h2o_iovec_t body, int codings, int gzip_level, int br_quality);

/* A body that never changes, with its gzip made once (at start-up: it
 * compresses at level 9) and its Brotli when one was made at build time.
 * gzip.base and br.base are NULL when there is none (a type not
 * compressible, a small body). */
typedef struct dft_static_t {
    const char *content_type;
    h2o_iovec_t plain, gzip, br;
} dft_static_t;

void dft_static_init(dft_static_t *s, const char *content_type, const char *data, size_t len);
void dft_static_dispose(dft_static_t *s);
/* dft_respond_static (server.h) answers with one. */

#endif
