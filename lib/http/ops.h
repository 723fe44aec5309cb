/*
 * ops.h — operational routes: /healthz, /readyz, /openapi.json and the /docs
 * page on the API listeners; /metrics, alone, on the metrics listener
 * (metrics_listen).
 */
#ifndef DFT_OPS_H
#define DFT_OPS_H

#include "compress.h"
#include "router.h"

extern const dft_route_table_t dft_ops_routes;
extern const dft_route_table_t dft_metrics_routes; /* not in the contract: not an API route */

/* The contract, converted from api/openapi.yaml at build time (build/openapi_json.c). */
extern const char dft_openapi_json[];
extern const size_t dft_openapi_json_len;
extern const char dft_openapi_br[]; /* its Brotli (quality 11), made at build time */
extern const size_t dft_openapi_br_len;

/* The /docs page's files (api/docs/ and the pinned swagger-ui-dist that deploy/deps.sh
 * installs), with their gzip and Brotli, embedded at build time (build/docs_assets.c). */
typedef struct dft_asset_t {
    const char *name; /* as in /docs/{asset} */
    dft_static_t body;
    const char *sha; /* 16 hex digits of its SHA-256: the ETag */
} dft_asset_t;
extern const dft_asset_t dft_docs_assets[];
extern const size_t dft_docs_num_assets;

#endif
