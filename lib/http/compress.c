/*
 * compress.c — Brotli and gzip of response bodies (see compress.h for what
 * and why).
 *
 * zlib's memory comes from the request's pool: nothing to free by hand, and
 * a client that leaves mid-stream leaves nothing behind. The window is sized
 * to the body (a 2 KiB problem does not take zlib's 256 KiB), and a body is
 * fed to zlib at most SLICE bytes per turn of the event loop. Brotli's
 * encoder lives only within one call (malloc'd and freed there: its 0.7 MiB
 * of tables is back before the loop turns).
 */
#include "compress.h"

#include "../core/core.h"

#include <assert.h>
#include <brotli/encode.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define SLICE DFT_COMPRESS_SLICE

/* ------------------------------------------------------ Accept-Encoding */

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n)
{
    while (*n && is_ows(**s))
        ++*s, --*n;
    while (*n && is_ows((*s)[*n - 1]))
        --*n;
}

/* The weight of an element's parameters (after the coding): 1 when absent or
 * above zero, 0 when zero or not a valid qvalue (0[.ddd] or 1[.000]). */
static int weight_positive(const char *p, size_t n)
{
    int positive = 1;
    while (n > 0) {
        const char *semi = memchr(p, ';', n);
        size_t len = semi ? (size_t)(semi - p) : n;
        const char *v = p;
        size_t vn = len;
        trim(&v, &vn);
        if (vn >= 2 && (v[0] == 'q' || v[0] == 'Q') && v[1] == '=') {
            v += 2, vn -= 2;
            if (vn == 0 || vn > 5 || (v[0] != '0' && v[0] != '1') || (vn > 1 && v[1] != '.'))
                return 0;
            int nonzero = v[0] == '1';
            for (size_t i = 2; i < vn; ++i) {
                if (v[i] < '0' || v[i] > '9' || (v[0] == '1' && v[i] != '0'))
                    return 0;
                nonzero |= v[i] != '0';
            }
            positive = nonzero;
        }
        if (semi == NULL)
            break;
        p = semi + 1, n -= len + 1;
    }
    return positive;
}

static void fold(signed char *state, int accepted)
{
    if (*state != 0) /* a refusal anywhere stands */
        *state = (signed char)accepted;
}

void dft_accept_scan(dft_accept_t *ae, const char *value, size_t len)
{
    while (len > 0) {
        const char *comma = memchr(value, ',', len);
        size_t elen = comma ? (size_t)(comma - value) : len;
        const char *e = value;
        const char *semi = memchr(e, ';', elen);
        size_t clen = semi ? (size_t)(semi - e) : elen;
        const char *coding = e;
        trim(&coding, &clen);
        int w = semi ? weight_positive(semi + 1, elen - (size_t)(semi - e) - 1) : 1;
        if ((clen == 4 && strncasecmp(coding, "gzip", 4) == 0) || (clen == 6 && strncasecmp(coding, "x-gzip", 6) == 0))
            fold(&ae->gzip, w);
        else if (clen == 2 && strncasecmp(coding, "br", 2) == 0)
            fold(&ae->br, w);
        else if (clen == 1 && coding[0] == '*')
            fold(&ae->any, w);
        if (comma == NULL)
            break;
        value = comma + 1, len -= elen + 1;
    }
}

static int taken(signed char named, signed char any)
{
    return named == 1 || (named == -1 && any == 1);
}

int dft_accept_codings(const dft_accept_t *ae)
{
    return (taken(ae->gzip, ae->any) ? DFT_CODING_GZIP : 0) | (taken(ae->br, ae->any) ? DFT_CODING_BR : 0);
}

int dft_compress_wanted(const h2o_headers_t *headers)
{
    dft_accept_t ae = DFT_ACCEPT_INIT;
    for (ssize_t i = -1; (i = h2o_find_header(headers, H2O_TOKEN_ACCEPT_ENCODING, i)) >= 0;)
        dft_accept_scan(&ae, headers->entries[i].value.base, headers->entries[i].value.len);
    return dft_accept_codings(&ae);
}

int dft_compress_type(const char *t)
{
    size_t n = strcspn(t, ";");
    while (n && t[n - 1] == ' ')
        --n;
    return (n >= 5 && strncmp(t + n - 5, "+json", 5) == 0) || (n == 16 && strncmp(t, "application/json", 16) == 0) ||
           strncmp(t, "text/", 5) == 0 || (n == 22 && strncmp(t, "application/javascript", 22) == 0);
}

/* ------------------------------------------------------------ zlib */

static voidpf pool_alloc(voidpf pool, uInt items, uInt size)
{
    return h2o_mem_alloc_pool(pool, (size_t)items * size);
}

static void pool_free(voidpf pool, voidpf p)
{
    (void)pool, (void)p; /* released with the request */
}

/* gzip framing (windowBits + 16), the window no larger than the body needs. */
static void gzip_init(z_stream *zs, h2o_mem_pool_t *pool, size_t len, int level)
{
    int bits = 9;
    while (bits < 15 && ((size_t)1 << bits) < len)
        ++bits;
    memset(zs, 0, sizeof(*zs));
    zs->zalloc = pool_alloc;
    zs->zfree = pool_free;
    zs->opaque = pool;
    if (deflateInit2(zs, level, Z_DEFLATED, bits + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        dft_fatal("zlib: deflateInit2 failed");
}

typedef struct gzip_gen_t {
    h2o_generator_t super;
    z_stream zs;
    h2o_iovec_t in;
    size_t fed; /* bytes of in handed to zlib */
    char *out;
    size_t out_size;
} gzip_gen_t;

/* One turn: at most SLICE more input (more only while zlib has given no byte
 * back), then what zlib gave back goes out; the last turn ends the stream. */
static void gzip_step(gzip_gen_t *g, h2o_req_t *req)
{
    size_t budget = SLICE;
    int end = 0;
    g->zs.next_out = (Bytef *)g->out;
    g->zs.avail_out = (uInt)g->out_size;
    for (;;) {
        if (g->zs.avail_in == 0 && g->fed < g->in.len && budget > 0) {
            size_t n = g->in.len - g->fed < budget ? g->in.len - g->fed : budget;
            g->zs.next_in = (Bytef *)g->in.base + g->fed;
            g->zs.avail_in = (uInt)n;
            g->fed += n, budget -= n;
        }
        int finish = g->fed == g->in.len;
        int rc = deflate(&g->zs, finish ? Z_FINISH : Z_NO_FLUSH);
        assert(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR);
        if (rc == Z_STREAM_END) {
            end = 1;
            break;
        }
        if (g->zs.avail_out == 0)
            break;
        if (g->zs.avail_in == 0 && !finish && budget == 0) {
            if (g->zs.avail_out != g->out_size)
                break;
            budget = SLICE; /* nothing to send yet: go on rather than send an empty buffer */
        }
    }
    h2o_iovec_t buf = h2o_iovec_init(g->out, g->out_size - g->zs.avail_out);
    h2o_send(req, &buf, buf.len ? 1 : 0, end ? H2O_SEND_STATE_FINAL : H2O_SEND_STATE_IN_PROGRESS);
}

static void gzip_proceed(h2o_generator_t *self, h2o_req_t *req)
{
    gzip_step((gzip_gen_t *)self, req);
}

static h2o_generator_t once = {NULL, NULL};

static void send_once(h2o_req_t *req, const char *coding, size_t coding_len, char *out, size_t len)
{
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_ENCODING, NULL, coding, coding_len);
    h2o_iovec_t buf = h2o_iovec_init(out, len);
    req->res.content_length = len;
    h2o_start_response(req, &once);
    h2o_send(req, &buf, 1, H2O_SEND_STATE_FINAL);
}

/* ------------------------------------------------------------ Brotli */

/* Text mode, the window no larger than the body needs; 0, or -1 when the encoder cannot run. */
static int brotli_send(h2o_req_t *req, h2o_iovec_t body, int quality)
{
    int bits = BROTLI_MIN_WINDOW_BITS;
    while (bits < BROTLI_MAX_WINDOW_BITS && ((size_t)1 << bits) < body.len)
        ++bits;
    size_t cap = BrotliEncoderMaxCompressedSize(body.len), out_len;
    BrotliEncoderState *s = BrotliEncoderCreateInstance(NULL, NULL, NULL);
    if (s == NULL || cap == 0)
        goto fail;
    BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, (uint32_t)quality);
    BrotliEncoderSetParameter(s, BROTLI_PARAM_LGWIN, (uint32_t)bits);
    BrotliEncoderSetParameter(s, BROTLI_PARAM_MODE, BROTLI_MODE_TEXT);
    BrotliEncoderSetParameter(s, BROTLI_PARAM_SIZE_HINT, (uint32_t)body.len);
    char *out = h2o_mem_alloc_pool(&req->pool, cap);
    size_t avail_in = body.len, avail_out = cap;
    const uint8_t *next_in = (const uint8_t *)body.base;
    uint8_t *next_out = (uint8_t *)out;
    if (!BrotliEncoderCompressStream(s, BROTLI_OPERATION_FINISH, &avail_in, &next_in, &avail_out, &next_out, NULL) ||
        !BrotliEncoderIsFinished(s))
        goto fail;
    BrotliEncoderDestroyInstance(s);
    out_len = cap - avail_out;
    send_once(req, H2O_STRLIT("br"), out, out_len);
    return 0;
fail:
    if (s != NULL)
        BrotliEncoderDestroyInstance(s);
    return -1;
}

/* ------------------------------------------------------------ sending */

int dft_compress_send(h2o_req_t *req, h2o_iovec_t body, int codings, int gzip_level, int br_quality)
{
    if ((codings & DFT_CODING_BR) && br_quality > 0 && body.len <= SLICE && brotli_send(req, body, br_quality) == 0)
        return 1;
    if (!(codings & DFT_CODING_GZIP) || gzip_level <= 0)
        return 0;
    int level = gzip_level;
    if (body.len <= SLICE) { /* one go: the length is known before the headers leave */
        z_stream zs;
        gzip_init(&zs, &req->pool, body.len, level);
        uLong bound = deflateBound(&zs, (uLong)body.len);
        char *out = h2o_mem_alloc_pool(&req->pool, bound);
        zs.next_in = (Bytef *)body.base;
        zs.avail_in = (uInt)body.len;
        zs.next_out = (Bytef *)out;
        zs.avail_out = (uInt)bound;
        int rc = deflate(&zs, Z_FINISH);
        assert(rc == Z_STREAM_END);
        (void)rc;
        send_once(req, H2O_STRLIT("gzip"), out, bound - zs.avail_out);
        return 1;
    }
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_ENCODING, NULL, H2O_STRLIT("gzip"));
    gzip_gen_t *g = h2o_mem_alloc_pool(&req->pool, sizeof(*g));
    memset(g, 0, sizeof(*g));
    g->super.proceed = gzip_proceed;
    g->in = body;
    gzip_init(&g->zs, &req->pool, body.len, level);
    g->out_size = SLICE;
    g->out = h2o_mem_alloc_pool(&req->pool, g->out_size);
    req->res.content_length = SIZE_MAX;
    h2o_start_response(req, &g->super);
    gzip_step(g, req);
    return 1;
}

/* ---------------------------------------------------------- static bodies */

void dft_static_init(dft_static_t *s, const char *content_type, const char *data, size_t len)
{
    *s = (dft_static_t){.content_type = content_type, .plain = h2o_iovec_init(data, len)};
    if (!dft_compress_type(content_type) || len < DFT_COMPRESS_MIN)
        return;
    uLongf n = compressBound((uLong)len) + 32;
    char *out = dft_malloc(n);
    z_stream zs = {0};
    if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        dft_fatal("zlib: deflateInit2 failed");
    zs.next_in = (Bytef *)data;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)n;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
        dft_fatal("zlib: deflate of a static body failed");
    s->gzip = h2o_iovec_init(out, n - zs.avail_out);
    deflateEnd(&zs);
}

void dft_static_dispose(dft_static_t *s)
{
    free(s->gzip.base);
    s->gzip = h2o_iovec_init(NULL, 0);
}
