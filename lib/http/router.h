/*
 * router.h — static route tables matched by method and path template.
 *
 * Each resource folder declares a `const dft_route_t[]` (designated
 * initializers) and the server compiles all tables into one segment trie at
 * start-up. Matching allocates nothing: decoded path parameters are written
 * into a caller buffer at least as long as the path. The trie is read-only
 * once built, so every event-loop thread shares it without locks.
 */
#ifndef DFT_ROUTER_H
#define DFT_ROUTER_H

#include "../core/error.h"

#include <stddef.h>
#include <stdint.h>

/* Per route: path parameters in its template, query parameters it allows
 * (both checked when the trie is built, so a request never meets them). */
#define DFT_MAX_PARAMS 8
#define DFT_MAX_QUERY 16

typedef struct dft_str_t {
    const char *base;
    size_t len;
} dft_str_t;

struct dft_req_t;
typedef void (*dft_handler_fn)(struct dft_req_t *r);

enum {
    DFT_ROUTE_PUBLIC = 1,     /* no token needed */
    DFT_ROUTE_UPLOAD = 4,     /* raw body up to max_upload instead of max_body */
    DFT_ROUTE_SETUP = 2,      /* open to a restricted token (password change or second-factor enrolment due) */
};

typedef struct dft_route_t {
    const char *method;       /* "GET", "POST", "PUT", "PATCH", "DELETE" */
    const char *path;         /* "/v1/departments/{dept}" */
    const char *name;         /* stable operation id, used in metrics and logs */
    dft_handler_fn handler;
    const char *const *query; /* allowed query parameters, NULL-terminated; NULL = none */
    unsigned flags;
    const char *scope; /* what a service account needs (one of DFT_SCOPES); NULL: officers only */
} dft_route_t;

/* The scopes a service account may hold, each a route's `.scope`; a route
 * without one is refused to every service account. The contract lists each
 * operation's (tests/unit/test_contract.c). */
#define DFT_SCOPES(X)                                                                                                      \
    X("files:read") X("files:write") X("receipts:read") X("receipts:write") X("dispatch:read") X("dispatch:write")   \
        X("training:import") X("webhooks")

/* The bit of a scope name, 0 if unknown. */
uint32_t dft_scope_bit(const char *name, size_t len);
/* Scope i's name, NULL past the end. */
const char *dft_scope_name(unsigned i);

typedef struct dft_route_table_t {
    const dft_route_t *routes;
    size_t count;
} dft_route_table_t;

typedef struct dft_param_t {
    const char *name;
    dft_str_t value;
} dft_param_t;

typedef struct dft_match_t {
    const dft_route_t *route;
    size_t route_index; /* dense index for metrics; dft_router_count() when unmatched */
    size_t num_params;
    dft_param_t params[DFT_MAX_PARAMS];
    char allow[64]; /* "GET, POST" when the result is DFT_E_METHOD_NOT_ALLOWED */
} dft_match_t;

typedef struct dft_query_t {
    size_t count;
    dft_param_t items[DFT_MAX_QUERY];
    const char *bad_name; /* on error: the offending parameter (points into scratch) */
    const char *bad_reason;
} dft_query_t;

typedef struct dft_router_t dft_router_t;

/* Builds the trie; a duplicate route or malformed template is fatal (a programmer error). */
dft_router_t *dft_router_new(const dft_route_table_t *const *tables, size_t num_tables);
void dft_router_free(dft_router_t *router);
/* Routes in table order; NULL past the end. */
const dft_route_t *dft_router_route(const dft_router_t *router, size_t index);

/* Matches `path` (no query string). scratch must hold path_len bytes.
 * Returns DFT_OK, DFT_E_NOT_FOUND, DFT_E_METHOD_NOT_ALLOWED or DFT_E_INVALID (bad encoding). */
dft_code_t dft_router_match(const dft_router_t *router, const char *method, size_t method_len, const char *path,
                            size_t path_len, char *scratch, dft_match_t *m);

/* Parses a query string (without '?') against the route's allowed names.
 * scratch must hold len + 1 bytes. Unknown, repeated or badly encoded
 * parameters give DFT_E_INVALID with q->bad_name / q->bad_reason set. */
dft_code_t dft_query_parse(const char *query, size_t len, const char *const *allowed, char *scratch, dft_query_t *q);

/* Looks up a parameter by name; NULL when absent. */
const dft_str_t *dft_param_get(const dft_param_t *params, size_t count, const char *name);

/* Percent-decodes src into dst (may alias); 0 or -1 on bad encoding, NUL, control
 * bytes, or (when reject_slash) a decoded '/'. '+' means space when plus_is_space. */
int dft_percent_decode(const char *src, size_t len, char *dst, size_t *out_len, int plus_is_space, int reject_slash);

#endif
