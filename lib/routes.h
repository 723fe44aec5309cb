/*
 * routes.h — every route table the server serves, in one list. The server,
 * the contract test and `daftar routes` all read this list, so a route cannot
 * be served without being checked against api/openapi.yaml.
 */
#ifndef DFT_ROUTES_H
#define DFT_ROUTES_H

#include "http/router.h"

extern const dft_route_table_t *const dft_route_tables[];
extern const size_t dft_num_route_tables;

#endif
