/*
 * compress.h — gzip for the responses daftar builds itself: JSON, problems
 * and text of DFT_COMPRESS_MIN bytes and more, when the request's
 * Accept-Encoding takes gzip. Never documents (PDF, PNG, JPEG: already
 * compressed, and the types are not on the list), never h2o's own errors.
 *
 * libh2o 2.2.5 has a compress filter, but it compresses only status 200
 * (not 201 nor problems), sends `Vary` only when the request named an
 * encoding, and Debian builds it without Brotli; so responses are compressed
 * here, where their whole body is known. Small bodies are compressed in one
 * go; larger ones a slice at a time, one slice each time h2o asks for more,
 * so no event loop is held for more than about a millisecond. Static bodies
 * (the contract, the docs page) are compressed once at start-up.
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

/* What Accept-Encoding lines said of gzip and of "*": -1 not named, 0 refused (q=0), 1 accepted. */
typedef struct dft_accept_t {
    signed char gzip, any;
} dft_accept_t;

#define DFT_ACCEPT_INIT {-1, -1}

/* Folds one Accept-Encoding header value into *ae (RFC 9110 12.5.3: codings with
 * optional weights; a malformed weight counts as q=0). */
void dft_accept_scan(dft_accept_t *ae, const char *value, size_t len);
/* 1 when gzip may be sent: named with q>0, or not named and "*" with q>0. */
int dft_accept_gzip(const dft_accept_t *ae);
/* Every Accept-Encoding line of the request, folded. */
int dft_compress_wanted(const h2o_headers_t *headers);

/* 1 for the media types daftar compresses: JSON (and +json), text, JavaScript. */
int dft_compress_type(const char *content_type);

/* Sends body gzipped as the response: status and headers already set (not
 * Content-Length), nothing sent yet. body lives as long as the request. */
void dft_compress_send(h2o_req_t *req, h2o_iovec_t body, int level);

/* A body that never changes, with its gzip made once (at start-up: it
 * compresses at level 9). gzip.base is NULL when the type is not
 * compressible or the body is small. */
typedef struct dft_static_t {
    const char *content_type;
    h2o_iovec_t plain, gzip;
} dft_static_t;

void dft_static_init(dft_static_t *s, const char *content_type, const char *data, size_t len);
void dft_static_dispose(dft_static_t *s);
/* dft_respond_static (server.h) answers with one. */

#endif
