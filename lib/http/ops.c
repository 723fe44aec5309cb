/*
 * ops.c — routes for operators and integrators: liveness, readiness, the
 * OpenAPI contract and the /docs page that renders it on the API listeners;
 * Prometheus metrics on a listener of their own (metrics_listen, loopback by
 * default: server.c), never on the API's. None reveals anything about
 * departments, officers or data.
 *
 * /docs is Swagger UI (swagger-ui-dist, pinned in deploy/web/package.json)
 * and api/docs/, embedded in the binary: no CDN, nothing fetched elsewhere
 * (its Content-Security-Policy allows this origin only). Its "Try it out"
 * calls this same server.
 */
#include "ops.h"

#include "server.h"

#include <stdlib.h>
#include <openssl/crypto.h>
#include <string.h>

static void get_healthz(dft_req_t *r)
{
    static const char body[] = "{\"status\":\"ok\"}";
    dft_respond(r, 200, "application/json", h2o_iovec_init(body, sizeof(body) - 1));
}

static void get_readyz(dft_req_t *r)
{
    dft_thread_t *t = r->thread;
    const char *why = "no database configured";
    int ready = t->server->hooks.ready != NULL && t->server->hooks.ready(t, &why);
    if (t->draining) {
        ready = 0;
        why = "shutting down";
    }
    dft_buf_t b = {0};
    dft_buf_printf(&b, "{\"status\":\"%s\",\"mode\":\"%s\",\"detail\":\"", ready ? "ready" : "not_ready",
                   !ready ? "unavailable" : t->read_only ? "read-only" : "read-write");
    dft_buf_json_escape(&b, why, strlen(why));
    dft_buf_puts(&b, "\"}");
    if (!ready)
        dft_add_header(r, "retry-after", "1");
    dft_respond_json(r, ready ? 200 : 503, b.data, b.len);
    dft_buf_dispose(&b);
}

/* /metrics tells how the server is used (routes, rates, queue depths). Its
 * listener is the first guard; with a metrics_token (required when the
 * listener is not loopback), only a scraper holding it, compared in constant
 * time. No officer or service token opens it. */
static int metrics_allowed(dft_req_t *r)
{
    const char *want = r->thread->server->config->metrics_token;
    size_t n = strlen(want);
    if (n == 0)
        return 1;
    ssize_t i = h2o_find_header(&r->h2o->headers, H2O_TOKEN_AUTHORIZATION, -1);
    h2o_iovec_t v = i >= 0 ? r->h2o->headers.entries[i].value : h2o_iovec_init(NULL, 0);
    if (v.len == 7 + n && strncasecmp(v.base, "bearer ", 7) == 0 && CRYPTO_memcmp(v.base + 7, want, n) == 0)
        return 1;
    dft_add_header(r, "www-authenticate", "Bearer realm=\"daftar-metrics\"");
    dft_respond_code(r, DFT_E_UNAUTHENTICATED, "/metrics needs the metrics token.");
    return 0;
}

static void get_metrics(dft_req_t *r)
{
    dft_server_t *s = r->thread->server;
    if (!metrics_allowed(r))
        return;
    dft_metrics_t **all = h2o_mem_alloc_pool(&r->h2o->pool, sizeof(*all) * s->num_threads);
    dft_metrics_gauges_t g = {.threads = s->num_threads};
    for (size_t i = 0; i < s->num_threads; ++i) {
        all[i] = s->threads[i].metrics;
        g.inflight += __atomic_load_n(&s->threads[i].inflight, __ATOMIC_RELAXED);
        g.connections += __atomic_load_n(&s->threads[i].num_conns, __ATOMIC_RELAXED);
        if (s->hooks.queue_depth != NULL)
            g.queue_depth += s->hooks.queue_depth(&s->threads[i]);
    }
    size_t n = all[0]->num_routes;
    const char **names = h2o_mem_alloc_pool(&r->h2o->pool, sizeof(*names) * (n + 1));
    for (size_t i = 0; i < n; ++i)
        names[i] = dft_router_route(s->router, i)->name;
    dft_buf_t b = {0};
    dft_metrics_render(&b, all, s->num_threads, names, &g);
    dft_respond(r, 200, "text/plain; version=0.0.4", h2o_strdup(&r->h2o->pool, b.data, b.len));
    dft_buf_dispose(&b);
}

static void get_openapi(dft_req_t *r)
{
    dft_add_header(r, "cache-control", "public, max-age=300");
    dft_respond_static(r, &r->thread->server->openapi);
}

/* Scripts and styles of this origin only (Swagger UI sets inline styles), calls to this origin only. */
static const char DOCS_CSP[] = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                               "connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; "
                               "frame-ancestors 'none'";

static const dft_asset_t *find_asset(const char *name, size_t len)
{
    for (size_t i = 0; i < dft_docs_num_assets; ++i)
        if (strlen(dft_docs_assets[i].name) == len && memcmp(dft_docs_assets[i].name, name, len) == 0)
            return &dft_docs_assets[i];
    return NULL;
}

static void respond_asset(dft_req_t *r, const char *name, size_t len)
{
    if (find_asset("swagger-ui-bundle.js", 20) == NULL) {
        dft_respond_code(r, DFT_E_UNAVAILABLE, "This build has no docs page: run deploy/deps.sh (npm ci) and build again.");
        return;
    }
    const dft_asset_t *a = find_asset(name, len);
    if (a == NULL) {
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such file of the docs page.");
        return;
    }
    char etag[20];
    snprintf(etag, sizeof(etag), "\"%s\"", a->sha);
    dft_add_header(r, "etag", etag);
    dft_add_header(r, "cache-control", "public, max-age=300");
    dft_add_header(r, "content-security-policy", DOCS_CSP);
    ssize_t i = h2o_find_header(&r->h2o->headers, H2O_TOKEN_IF_NONE_MATCH, -1);
    if (i >= 0 && dft_etag_listed(r->h2o->headers.entries[i].value.base, r->h2o->headers.entries[i].value.len, etag, strlen(etag))) {
        if (dft_compress_type(a->body.content_type))
            dft_add_header(r, "vary", "accept-encoding"); /* what the 200 would have said */
        dft_respond(r, 304, NULL, h2o_iovec_init(NULL, 0));
        return;
    }
    dft_respond_static(r, &a->body);
}

static void get_docs(dft_req_t *r)
{
    respond_asset(r, "index.html", 10);
}

static void get_docs_asset(dft_req_t *r)
{
    const dft_str_t *name = dft_req_param(r, "asset");
    respond_asset(r, name->base, name->len);
}

static const dft_route_t routes[] = {
    {.method = "GET", .path = "/healthz", .name = "healthz", .handler = get_healthz, .flags = DFT_ROUTE_PUBLIC},
    {.method = "GET", .path = "/readyz", .name = "readyz", .handler = get_readyz, .flags = DFT_ROUTE_PUBLIC},
    {.method = "GET", .path = "/openapi.json", .name = "openapi", .handler = get_openapi, .flags = DFT_ROUTE_PUBLIC},
    {.method = "GET", .path = "/docs", .name = "docs", .handler = get_docs, .flags = DFT_ROUTE_PUBLIC},
    {.method = "GET", .path = "/docs/{asset}", .name = "docsAsset", .handler = get_docs_asset, .flags = DFT_ROUTE_PUBLIC},
};

const dft_route_table_t dft_ops_routes = {routes, DFT_ARRAY_SIZE(routes)};

static const dft_route_t metrics_routes[] = {
    {.method = "GET", .path = "/metrics", .name = "metrics", .handler = get_metrics, .flags = DFT_ROUTE_PUBLIC},
};

const dft_route_table_t dft_metrics_routes = {metrics_routes, DFT_ARRAY_SIZE(metrics_routes)};
