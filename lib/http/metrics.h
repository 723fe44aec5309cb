/*
 * metrics.h — per-thread request counters and latency histograms, rendered
 * in the Prometheus text format.
 *
 * Each thread writes only its own dft_metrics_t; /metrics sums all threads
 * with relaxed atomic loads. No locks, no allocation on the hot path.
 */
#ifndef DFT_METRICS_H
#define DFT_METRICS_H

#include "../core/core.h"

#include <stddef.h>
#include <stdint.h>

#define DFT_METRICS_NUM_BUCKETS 12
#define DFT_METRICS_NUM_STATUS 22

typedef struct dft_metrics_t {
    size_t num_routes; /* index num_routes = "unmatched" */
    uint64_t *requests; /* [(num_routes + 1) * DFT_METRICS_NUM_STATUS] */
    uint64_t *buckets;  /* [(num_routes + 1) * (DFT_METRICS_NUM_BUCKETS + 1)], last = +Inf */
    uint64_t *sum_us;   /* [num_routes + 1] */
} dft_metrics_t;

dft_metrics_t *dft_metrics_new(size_t num_routes);
void dft_metrics_free(dft_metrics_t *m);
void dft_metrics_observe(dft_metrics_t *m, size_t route_index, int status, uint64_t micros);

typedef struct dft_metrics_gauges_t {
    uint64_t inflight, queue_depth, threads, connections;
} dft_metrics_gauges_t;

/* Another subsystem's metrics, appended to every rendering (any thread); before the server runs. */
void dft_metrics_add_source(void (*render)(dft_buf_t *out));

/* Renders the sum of `n` thread metrics; route_names[i] names route i. */
void dft_metrics_render(dft_buf_t *out, dft_metrics_t *const *all, size_t n, const char *const *route_names,
                        const dft_metrics_gauges_t *gauges);

#endif
