/*
 * tenant.h — departments: the per-thread registry the server routes by, and
 * the blocking administration used by the CLI (add, suspend, migrate).
 *
 * Each event-loop thread keeps its own copy of the registry, loaded through
 * its own database pool and reloaded on NOTIFY daftar_departments, so a
 * department added or suspended by `daftar dept` is seen within a second by
 * every running server, without locks. A copy is replaced whole, never edited.
 */
#ifndef DFT_TENANT_H
#define DFT_TENANT_H

#include "../db/db.h"
#include "../http/router.h"

#include <libpq-fe.h>
#include <stdio.h>

/* ^[a-z][a-z0-9_]{1,30}$ */
int dft_tenant_code_valid(const char *s, size_t len);

/* Hooks the registry into the database layer; call before dft_server_run. */
void dft_tenant_attach(dft_server_t *server);

/* Resolves {dept} of request r: fills scope (strings valid until the handler
 * returns) or returns NOT_FOUND (unknown or malformed), FORBIDDEN
 * (suspended), UNAVAILABLE (registry not loaded, or schema behind). */
dft_code_t dft_tenant_resolve(dft_req_t *r, const dft_str_t *code, dft_db_scope_t *scope);

/* A statewide scope: schema and NOLOGIN role state_<name> (sql/state/<name>/).
 * With code, the request runs as a member of that department (its roles in
 * the session, as dft_tenant_resolve; the same refusals); without, as the
 * caller alone (roles none). UNAVAILABLE until the scope's migrations and
 * function files are this binary's. `name` must be compiled in. */
dft_code_t dft_tenant_state(dft_req_t *r, const char *name, const dft_str_t *code, dft_db_scope_t *scope);
/* A scope by its schema name ("dept_fin", "state_hr") for work of thread t that no request
 * makes (lib/events' fan-out): fills scope (strings valid until the thread's next event) when
 * the department is active and current, or the statewide scope current; else -1. */
int dft_tenant_scope_named(dft_thread_t *t, const char *schema, dft_db_scope_t *scope);
/* The compiled-in statewide scopes: how many, and the name of scope i. */
size_t dft_tenant_num_states(void);
const char *dft_tenant_state_name(size_t i);
/* Index of a compiled-in statewide scope, or -1. */
int dft_tenant_state_index(const char *name);
/* Statement-cache ids of statewide scopes: above any department's id. */
#define DFT_STATE_SCOPE_ID(i) (0xFFFFFF00u + (uint32_t)(i))

extern const dft_route_table_t dft_tenant_routes;

/* ---- administration (blocking; CLI only, never on an event loop) ---- */

/* Latest migration numbers compiled in. */
int dft_migrations_latest(const char *group);

/* audit.c (CLI, and the timers thread): records the head of each department's audit chain (or
 * dept's) when newer than its last checkpoint, MAC'd under a key derived from master, and
 * prints one line a checkpoint to out, or logs it when out is NULL. The number recorded, or -1. */
int dft_audit_checkpoint(PGconn *c, const unsigned char master[32], const char *dept, FILE *out);
/* Recomputes each chain and checks it against its checkpoints, the catalog's and, when
 * anchors_path is not NULL, the lines of that file; prints what is wrong. 0, or -1. */
int dft_audit_verify(PGconn *c, const unsigned char master[32], const char *dept, const char *anchors_path, FILE *out);
/* The same for one department whose schema c reaches (a copy in c's open transaction, `dept
 * move`), against the checkpoints of catalog (main). 0, or -1 after saying what is wrong. */
int dft_audit_verify_copy(PGconn *c, PGconn *catalog, const unsigned char master[32], const char *dept, FILE *out);
/* Verifies an audit export (GET /v1/departments/{dept}/audit, NDJSON) offline: each event's hash
 * recomputed, each link and the sequence; prints the result or what is wrong. 0, or -1. */
int dft_audit_verify_export(const char *path, FILE *out);
/* The digest of the group's function files (sql/<group>/functions/: SHA-256 of their SHA-256s
 * in name order), which `daftar migrate` records per scope; NULL when the group has none. */
const char *dft_functions_digest(const char *group);
/* Brings the catalog and every department to the latest migration, each department on its
 * cluster: admins are the owner's DSNs of the clusters other than main (cluster_admin_dsns),
 * each of which gets its own copy of the catalog's schema first; 0 or -1. */
int dft_migrate(PGconn *c, const dft_cluster_t *admins, size_t num_admins, FILE *out);
/* Adds a department (role, schema, migrations, profile) in one transaction on its cluster
 * (NULL or "main": c's), then registers it in c's catalog (NOTIFY). */
int dft_dept_add(PGconn *c, const char *code, const char *name, const char *name_hi, const char *cluster,
                 const dft_cluster_t *admins, size_t num_admins, FILE *out);
/* Moves a department to cluster `to` (README "Moving a department"): read-only on every server
 * while its schema and data are copied, row counts and audit chains verified on arrival, then
 * the registry switched (NOTIFY); the source copy is kept read-only. main_dsn: db_admin_dsn. */
int dft_dept_move(PGconn *c, const char *main_dsn, const char *code, const char *to, const dft_cluster_t *admins,
                  size_t num_admins, const unsigned char master[32], FILE *out);
/* status: "active" or "suspended". */
int dft_dept_set_status(PGconn *c, const char *code, const char *status, FILE *out);
int dft_dept_list(PGconn *c, FILE *out);
/* Sets the networks (comma-separated CIDRs) from which confidential files may be read. */
int dft_dept_set_trusted(PGconn *c, const char *code, const char *cidrs, FILE *out);

#endif
