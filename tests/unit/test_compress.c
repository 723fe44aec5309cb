/*
 * test_compress.c — which Accept-Encoding values take gzip and Brotli, which media types
 * are compressed, that a static body's gzip decodes to the body, and which
 * If-None-Match lists name an ETag.
 */
#include "http/compress.h"
#include "http/server.h"
#include "test.h"

#include <stdlib.h>
#include <zlib.h>

static int codings(const char *a, const char *b)
{
    dft_accept_t ae = DFT_ACCEPT_INIT;
    dft_accept_scan(&ae, a, strlen(a));
    if (b != NULL)
        dft_accept_scan(&ae, b, strlen(b));
    return dft_accept_codings(&ae);
}

static int takes(const char *a, const char *b)
{
    return (codings(a, b) & DFT_CODING_GZIP) != 0;
}

static int takes_br(const char *a, const char *b)
{
    return (codings(a, b) & DFT_CODING_BR) != 0;
}

TEST(test_compress__accept_encoding_weights)
{
    CHECK(takes("gzip", NULL));
    CHECK(takes("gzip, deflate, br", NULL));
    CHECK(takes("br;q=1.0, GZIP;q=0.5", NULL));
    CHECK(takes(" deflate ,\tx-gzip ", NULL));
    CHECK(takes("*", NULL));
    CHECK(takes("gzip;q=0.001", NULL));
    CHECK(takes("gzip ; level=1 ; q=1.000", NULL));
    CHECK(takes("deflate", "gzip"));
    CHECK(!takes("", NULL));
    CHECK(!takes("identity", NULL));
    CHECK(!takes("deflate, br", NULL));
    CHECK(!takes("gzip;q=0", NULL));
    CHECK(!takes("gzip; Q=0.000", NULL));
    CHECK(!takes("gzip;q=0.", NULL));
    CHECK(!takes("*, gzip;q=0", NULL));
    CHECK(!takes("*;q=0", NULL));
    CHECK(!takes("gzip", "gzip;q=0")); /* a refusal on any line stands */
    CHECK(!takes("gzip;q=2", NULL));   /* not a qvalue: taken as a refusal */
    CHECK(!takes("gzip;q=1.5", NULL));
    CHECK(!takes("gzip;q=0.0001", NULL));
    CHECK(!takes("gzip;q=", NULL));
    CHECK(!takes("gzipx, xgzip, gzip2", NULL));
    CHECK(takes("*;q=0.1, br", NULL));
}

TEST(test_compress__accept_encoding_brotli)
{
    CHECK(takes_br("br", NULL));
    CHECK(takes_br("gzip, deflate, br", NULL));
    CHECK(takes_br("BR;q=0.5, gzip", NULL));
    CHECK(takes_br("*", NULL));
    CHECK(takes_br("gzip", "br"));
    CHECK(takes_br("*;q=0.1, gzip;q=0", NULL));
    CHECK(!takes_br("gzip", NULL));
    CHECK(!takes_br("", NULL));
    CHECK(!takes_br("br;q=0", NULL));
    CHECK(!takes_br("*, br;q=0", NULL));
    CHECK(!takes_br("*;q=0", NULL));
    CHECK(!takes_br("br", "br;q=0")); /* a refusal on any line stands */
    CHECK(!takes_br("brotli, bro, b", NULL));
    CHECK(!takes_br("br;q=1.5", NULL));
    CHECK(codings("gzip, br", NULL) == (DFT_CODING_GZIP | DFT_CODING_BR));
    CHECK(codings("identity", NULL) == 0);
}

TEST(test_compress__types)
{
    CHECK(dft_compress_type("application/json"));
    CHECK(dft_compress_type("application/json; charset=utf-8"));
    CHECK(dft_compress_type("application/problem+json"));
    CHECK(dft_compress_type("application/jwk-set+json"));
    CHECK(dft_compress_type("text/plain; version=0.0.4"));
    CHECK(dft_compress_type("text/html; charset=utf-8"));
    CHECK(dft_compress_type("application/javascript"));
    CHECK(!dft_compress_type("application/pdf"));
    CHECK(!dft_compress_type("image/png"));
    CHECK(!dft_compress_type("image/jpeg"));
    CHECK(!dft_compress_type("application/jsonx"));
    CHECK(!dft_compress_type("application/octet-stream"));
}

TEST(test_compress__static_body_round_trip)
{
    char body[5000];
    for (size_t i = 0; i < sizeof(body); ++i)
        body[i] = "{\"items\":[1,2,3]}"[i % 17];
    dft_static_t s;
    dft_static_init(&s, "application/json", body, sizeof(body));
    CHECK(s.gzip.base != NULL && s.gzip.len < sizeof(body) / 4);
    char back[6000];
    z_stream zs = {0};
    CHECK(inflateInit2(&zs, 15 + 16) == Z_OK);
    zs.next_in = (Bytef *)s.gzip.base;
    zs.avail_in = (uInt)s.gzip.len;
    zs.next_out = (Bytef *)back;
    zs.avail_out = sizeof(back);
    CHECK(inflate(&zs, Z_FINISH) == Z_STREAM_END);
    CHECK(zs.total_out == sizeof(body) && memcmp(back, body, sizeof(body)) == 0);
    inflateEnd(&zs);
    dft_static_dispose(&s);

    dft_static_init(&s, "application/json", body, 1023); /* small: kept as is */
    CHECK(s.gzip.base == NULL);
    dft_static_init(&s, "image/png", body, sizeof(body));
    CHECK(s.gzip.base == NULL);
}

static int listed(const char *list, const char *etag)
{
    return dft_etag_listed(list, strlen(list), etag, strlen(etag));
}

TEST(test_compress__if_none_match_lists)
{
    CHECK(listed("\"3\"", "\"3\""));
    CHECK(listed("W/\"3\"", "\"3\""));            /* weak comparison */
    CHECK(listed("\"3\"", "W/\"3\""));
    CHECK(listed(" \"1\" ,\t\"3\" ", "\"3\""));
    CHECK(listed("*", "W/\"abc\""));
    CHECK(!listed("\"31\"", "\"3\""));
    CHECK(!listed("\"3", "\"3\""));
    CHECK(!listed("3", "\"3\""));
    CHECK(!listed("", "\"3\""));
    CHECK(!listed("W/", "W/\"\""));
}

const test_case_t compress_cases[] = {
    CASE(test_compress__accept_encoding_weights),
    CASE(test_compress__accept_encoding_brotli),
    CASE(test_compress__types),
    CASE(test_compress__static_body_round_trip),
    CASE(test_compress__if_none_match_lists),
    {NULL, NULL},
};
