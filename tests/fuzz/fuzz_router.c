/*
 * fuzz_router.c — the router and query parsing on arbitrary method/path/query.
 * Input: first byte picks the method, the rest is "path[?query]". The same
 * bytes are also read as an Accept-Encoding value (compress.c).
 */
#include "http/compress.h"
#include "http/router.h"
#include "routes.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "BREW"};

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static dft_router_t *router;
    if (router == NULL)
        router = dft_router_new(dft_route_tables, dft_num_route_tables);
    if (size < 1 || size > 4096)
        return 0;
    dft_accept_t ae = DFT_ACCEPT_INIT;
    dft_accept_scan(&ae, (const char *)data, size);
    assert(ae.gzip >= -1 && ae.gzip <= 1 && ae.any >= -1 && ae.any <= 1);
    const char *m = methods[data[0] % 8];
    const char *path = (const char *)data + 1;
    size_t len = size - 1, plen = len;
    const char *q = memchr(path, '?', len);
    if (q != NULL)
        plen = (size_t)(q - path);
    char *scratch = malloc(len + 1);
    dft_match_t match;
    dft_code_t rc = dft_router_match(router, m, strlen(m), path, plen, scratch, &match);
    if (rc == DFT_OK) {
        assert(match.route != NULL && match.num_params <= DFT_MAX_PARAMS);
        for (size_t i = 0; i < match.num_params; ++i)
            assert(match.params[i].value.base >= scratch && match.params[i].value.base + match.params[i].value.len <= scratch + len);
        if (q != NULL) {
            dft_query_t query;
            dft_query_parse(q + 1, len - plen - 1, match.route->query, scratch, &query);
            assert(query.count <= DFT_MAX_QUERY);
        }
    }
    free(scratch);
    return 0;
}
