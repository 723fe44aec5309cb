/*
 * files.h — e-File: a department's files, their movement and track.
 * Who may see and do what is decided in SQL (sql/dept/0002_files.sql) from
 * the caller's settings, so lists and items can never disagree.
 */
#ifndef DFT_FILES_H
#define DFT_FILES_H

#include "../http/router.h"

#include "../http/server.h"

extern const dft_route_table_t dft_files_routes, dft_documents_routes, dft_receipts_routes, dft_signature_routes,
    dft_delegation_routes, dft_charge_routes, dft_scheme_routes, dft_reference_routes,
    dft_part_routes, dft_handover_routes, dft_records_routes, dft_notesheet_routes;

/* Loads the trusted CAs for signatures (config signing_ca); 0, or -1 (logged) when unusable. */
int dft_files_attach(dft_server_t *server);

#endif
