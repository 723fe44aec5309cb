/*
 * schema.h — checks a JSON request body against its operation's schema in the
 * contract (api/openapi.yaml, embedded as dft_openapi_json) and reports every
 * member that is wrong, not the first: a client fixes a form in one round trip
 * (issue 26, "only the first invalid field of a body is reported").
 *
 * It runs where every handler reads its body (dft_req_json_object), before the
 * handler's own checks, which stay: the handler still checks what the schema
 * cannot say (a UID's check digit, a day after another). The subset of JSON
 * Schema the contract's request bodies use: type, const, enum, oneOf, $ref,
 * properties, required, additionalProperties, minProperties, minLength,
 * maxLength (code points), pattern, format (date, date-time, uuid), minimum,
 * maximum, items, minItems, maxItems, uniqueItems; an array marked `x-each-row-alone` (bulk operations
 * that answer each row: enrolOfficers, importCompletions) has its items left to the handler. Built once at start-up and
 * read-only after, so every event-loop thread shares it.
 */
#ifndef DFT_SCHEMA_H
#define DFT_SCHEMA_H

#define H2O_USE_LIBUV 0
#include <h2o.h>
#include <jansson.h>

#include "../core/error.h"
#include "router.h"

/* At most this many errors are reported for one body. */
#define DFT_SCHEMA_MAX_ERRORS 32

typedef struct dft_schema_t dft_schema_t;

/* The request schema of each of the router's routes (by route index) from the contract's JSON; a
 * contract that does not parse, or a pattern that does not compile, is fatal (a build error). */
dft_schema_t *dft_schema_new(const char *openapi_json, size_t len, const dft_router_t *router);
void dft_schema_free(dft_schema_t *s);

/* Checks body against route_index's request schema: every error (at most DFT_SCHEMA_MAX_ERRORS), each
 * with its JSON Pointer and English and Hindi sentences, in *out (pool memory); returns how many. 0 when
 * the body is valid or the route has no JSON request schema. */
size_t dft_schema_check(const dft_schema_t *s, size_t route_index, json_t *body, h2o_mem_pool_t *pool,
                        dft_field_error_t **out);

#endif
