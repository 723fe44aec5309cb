/*
 * events.h — live events (issue 22): GET /v1/me/events, Server-Sent Events
 * fed from the events outboxes of every department and statewide scope
 * (sql/dept/0022_events.sql, sql/scoped/functions/event_publish.sql).
 */
#ifndef DFT_EVENTS_H
#define DFT_EVENTS_H

#include "../http/server.h"

extern const dft_route_table_t dft_events_routes;
/* export.c: GET /v1/departments/{dept}/audit, the audit trail as NDJSON for the auditor. */
extern const dft_route_table_t dft_export_routes;

/* Hooks the fan-out into the database layer (a feed on daftar_events) and /metrics;
 * before dft_server_run. 0, or -1 (logged) for settings that cannot work. */
int dft_events_attach(dft_server_t *server);

/* webhooks.c: a service account's endpoints and their delivery log. */
extern const dft_route_table_t dft_webhook_routes;

#endif
