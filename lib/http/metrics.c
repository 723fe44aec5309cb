/*
 * metrics.c — see metrics.h. Status codes are kept as a fixed list so the
 * counters are a flat array; anything else is counted as "other".
 */
#include "metrics.h"

#include <stdlib.h>

static const int statuses[DFT_METRICS_NUM_STATUS] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 406, 409,
                                                     412, 413, 415, 422, 428, 429, 431, 500, 502, 503, 0};
static const double bucket_bounds[DFT_METRICS_NUM_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                              0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

dft_metrics_t *dft_metrics_new(size_t num_routes)
{
    dft_metrics_t *m = dft_calloc(1, sizeof(*m));
    m->num_routes = num_routes;
    m->requests = dft_calloc((num_routes + 1) * DFT_METRICS_NUM_STATUS, sizeof(uint64_t));
    m->buckets = dft_calloc((num_routes + 1) * (DFT_METRICS_NUM_BUCKETS + 1), sizeof(uint64_t));
    m->sum_us = dft_calloc(num_routes + 1, sizeof(uint64_t));
    return m;
}

void dft_metrics_free(dft_metrics_t *m)
{
    if (m == NULL)
        return;
    free(m->requests);
    free(m->buckets);
    free(m->sum_us);
    free(m);
}

static size_t status_index(int status)
{
    for (size_t i = 0; i + 1 < DFT_METRICS_NUM_STATUS; ++i)
        if (statuses[i] == status)
            return i;
    return DFT_METRICS_NUM_STATUS - 1;
}

static void bump(uint64_t *p, uint64_t v)
{
    __atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + v, __ATOMIC_RELAXED); /* single writer */
}

void dft_metrics_observe(dft_metrics_t *m, size_t route, int status, uint64_t micros)
{
    if (route > m->num_routes)
        route = m->num_routes;
    bump(&m->requests[route * DFT_METRICS_NUM_STATUS + status_index(status)], 1);
    size_t b = 0;
    while (b < DFT_METRICS_NUM_BUCKETS && (double)micros / 1e6 > bucket_bounds[b])
        ++b;
    bump(&m->buckets[route * (DFT_METRICS_NUM_BUCKETS + 1) + b], 1);
    bump(&m->sum_us[route], micros);
}

static uint64_t total(dft_metrics_t *const *all, size_t n, size_t offset, int which)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < n; ++i) {
        uint64_t *base = which == 0 ? all[i]->requests : which == 1 ? all[i]->buckets : all[i]->sum_us;
        sum += __atomic_load_n(&base[offset], __ATOMIC_RELAXED);
    }
    return sum;
}

static void (*sources[4])(dft_buf_t *out);

void dft_metrics_add_source(void (*render)(dft_buf_t *out))
{
    for (size_t i = 0; i < DFT_ARRAY_SIZE(sources); ++i)
        if (sources[i] == NULL || sources[i] == render) {
            sources[i] = render;
            return;
        }
    dft_fatal("too many metrics sources");
}

void dft_metrics_render(dft_buf_t *out, dft_metrics_t *const *all, size_t n, const char *const *route_names,
                        const dft_metrics_gauges_t *g)
{
    size_t num_routes = n ? all[0]->num_routes : 0;
    dft_buf_puts(out, "# HELP daftar_requests_total Requests answered, by route and status.\n"
                      "# TYPE daftar_requests_total counter\n");
    for (size_t r = 0; r <= num_routes; ++r) {
        const char *name = r < num_routes ? route_names[r] : "unmatched";
        for (size_t s = 0; s < DFT_METRICS_NUM_STATUS; ++s) {
            uint64_t v = total(all, n, r * DFT_METRICS_NUM_STATUS + s, 0);
            if (v == 0)
                continue;
            if (statuses[s] != 0)
                dft_buf_printf(out, "daftar_requests_total{route=\"%s\",status=\"%d\"} %llu\n", name, statuses[s],
                               (unsigned long long)v);
            else
                dft_buf_printf(out, "daftar_requests_total{route=\"%s\",status=\"other\"} %llu\n", name,
                               (unsigned long long)v);
        }
    }
    dft_buf_puts(out, "# HELP daftar_request_duration_seconds Time from request start to response end.\n"
                      "# TYPE daftar_request_duration_seconds histogram\n");
    for (size_t r = 0; r <= num_routes; ++r) {
        const char *name = r < num_routes ? route_names[r] : "unmatched";
        uint64_t cum = 0;
        for (size_t b = 0; b <= DFT_METRICS_NUM_BUCKETS; ++b)
            cum += total(all, n, r * (DFT_METRICS_NUM_BUCKETS + 1) + b, 1);
        if (cum == 0)
            continue;
        cum = 0;
        for (size_t b = 0; b <= DFT_METRICS_NUM_BUCKETS; ++b) {
            cum += total(all, n, r * (DFT_METRICS_NUM_BUCKETS + 1) + b, 1);
            if (b < DFT_METRICS_NUM_BUCKETS)
                dft_buf_printf(out, "daftar_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n", name,
                               bucket_bounds[b], (unsigned long long)cum);
            else
                dft_buf_printf(out, "daftar_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n", name,
                               (unsigned long long)cum);
        }
        dft_buf_printf(out, "daftar_request_duration_seconds_sum{route=\"%s\"} %.6f\n", name,
                       (double)total(all, n, r, 2) / 1e6);
        dft_buf_printf(out, "daftar_request_duration_seconds_count{route=\"%s\"} %llu\n", name, (unsigned long long)cum);
    }
    dft_buf_printf(out,
                   "# HELP daftar_requests_in_flight Requests received and not yet finished.\n"
                   "# TYPE daftar_requests_in_flight gauge\n"
                   "daftar_requests_in_flight %llu\n"
                   "# HELP daftar_db_queue_depth Requests waiting for a database connection.\n"
                   "# TYPE daftar_db_queue_depth gauge\n"
                   "daftar_db_queue_depth %llu\n"
                   "# HELP daftar_threads Event-loop threads.\n"
                   "# TYPE daftar_threads gauge\n"
                   "daftar_threads %llu\n"
                   "# HELP daftar_connections_open Client connections open (TCP accepted and not yet closed).\n"
                   "# TYPE daftar_connections_open gauge\n"
                   "daftar_connections_open %llu\n",
                   (unsigned long long)g->inflight, (unsigned long long)g->queue_depth, (unsigned long long)g->threads,
                   (unsigned long long)g->connections);
    for (size_t i = 0; i < DFT_ARRAY_SIZE(sources) && sources[i] != NULL; ++i)
        sources[i](out);
}
