/*
 * dispatch.h — e-Dispatch: drafts for approval on files, the dispatch
 * register (numbered letters, their modes and statuses), letters between
 * departments and their signed hand-off. Who may see and do what is decided
 * in SQL (sql/dept/0018_drafts.sql and on, functions/draft_*.sql,
 * dispatch_*.sql), so lists and items can never disagree.
 */
#ifndef DFT_DISPATCH_H
#define DFT_DISPATCH_H

#include "../http/router.h"
#include "../http/server.h"

extern const dft_route_table_t dft_draft_routes, dft_dispatch_routes, dft_dak_routes;

/* Starts the mailer thread that sends e-mail letters (mailer.c) when smtp_url is set; 0, or -1 (logged)
 * when the settings are unusable. */
int dft_dispatch_mailer_start(dft_server_t *server);

#endif
