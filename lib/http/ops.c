/*
 * ops.c — routes for operators and integrators: liveness, readiness and the
 * OpenAPI contract on the API listeners; Prometheus metrics on a listener of
 * their own (metrics_listen, loopback by default: server.c), never on the
 * API's. None reveals anything about departments, officers or data.
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
    dft_buf_printf(&b, "{\"status\":\"%s\",\"detail\":\"", ready ? "ready" : "not_ready");
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

static const dft_route_t routes[] = {
    {.method = "GET", .path = "/healthz", .name = "healthz", .handler = get_healthz, .flags = DFT_ROUTE_PUBLIC},
    {.method = "GET", .path = "/readyz", .name = "readyz", .handler = get_readyz, .flags = DFT_ROUTE_PUBLIC},
    {.method = "GET", .path = "/openapi.json", .name = "openapi", .handler = get_openapi, .flags = DFT_ROUTE_PUBLIC},
};

const dft_route_table_t dft_ops_routes = {routes, DFT_ARRAY_SIZE(routes)};

static const dft_route_t metrics_routes[] = {
    {.method = "GET", .path = "/metrics", .name = "metrics", .handler = get_metrics, .flags = DFT_ROUTE_PUBLIC},
};

const dft_route_table_t dft_metrics_routes = {metrics_routes, DFT_ARRAY_SIZE(metrics_routes)};
