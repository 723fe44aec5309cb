/*
 * ops.h — operational routes: /healthz, /readyz, /openapi.json on the API
 * listeners; /metrics, alone, on the metrics listener (metrics_listen).
 */
#ifndef DFT_OPS_H
#define DFT_OPS_H

#include "router.h"

extern const dft_route_table_t dft_ops_routes;
extern const dft_route_table_t dft_metrics_routes; /* not in the contract: not an API route */

/* The contract, converted from api/openapi.yaml at build time (build/openapi_json.c). */
extern const char dft_openapi_json[];
extern const size_t dft_openapi_json_len;

#endif
