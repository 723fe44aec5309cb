/*
 * db.h — the database layer: per-thread pools of libpq connections in
 * pipeline mode, driven by the thread's h2o event loop. Nothing here blocks.
 *
 * One request = one job = one Sync segment on one connection:
 *     Execute "setup"   set_config role / read-only / officer uid / request id / client address (all local)
 *     [Parse  stmt]     first use of (connection, department, statement) only
 *     Execute stmt
 *     Sync
 * PostgreSQL runs everything between two Syncs as one implicit transaction:
 * the Sync commits it, an error rolls all of it back and leaves the
 * connection clean for the next job already in the pipe. (An explicit
 * BEGIN/COMMIT would leave an aborted transaction block behind after an
 * error, breaking the jobs pipelined after it.) Read jobs set
 * transaction_read_only, which PostgreSQL allows at any point in a transaction.
 *
 * Statements live in sql/queries/NAME.sql, embedded at build time. A
 * statement that names `{schema}` is a department statement: the placeholder
 * is filled with the department's quoted schema name, and the statement is
 * prepared after the department's role is set, so names resolve with that
 * role's USAGE and PostgreSQL enforces its privileges at every execution.
 *
 * Handlers never see libpq: they get a dft_db_reply_t with the first column
 * of the first row (JSON built by PostgreSQL) or a dft_error_t.
 */
#ifndef DFT_DB_H
#define DFT_DB_H

#include "../core/error.h"
#include "../http/server.h"

#include <libpq-fe.h>

#define DFT_DB_MAX_PARAMS 16

typedef struct dft_db_t dft_db_t;
typedef struct dft_db_job_t dft_db_job_t;

/* Who a job runs as: a department's role and schema, or the catalog (NULL). */
typedef struct dft_db_scope_t {
    uint32_t dept_id;   /* 0 = catalog */
    const char *role;   /* "dept_fin"; NULL = the server's own role */
    const char *schema; /* "dept_fin" */
    uint32_t cluster;   /* which PostgreSQL cluster holds the schema: dft_db_cluster_index(); 0 = main (the catalog) */
    int read_only;      /* the department is moving between clusters: a DFT_DB_WRITE job gets 503 department-moving */
} dft_db_scope_t;

/* The index of a cluster named in the settings ("main" = db_dsn is 0, then `clusters` in
 * order), or -1 for a name this server does not know. After dft_db_attach. */
int dft_db_cluster_index(const char *name);

typedef struct dft_db_reply_t {
    dft_error_t err;   /* code DFT_OK on success */
    const char *value; /* first column of the first row; NULL when no row or SQL NULL */
    size_t len;
    int rows;
    const PGresult *res; /* for lib/ internals (registry); handlers use value */
} dft_db_reply_t;

typedef void (*dft_db_cb)(void *ctx, const dft_db_reply_t *reply);

/* Column col of the reply's first row (NULL when absent or SQL NULL). */
const char *dft_db_reply_field(const dft_db_reply_t *reply, int col, size_t *len);

enum { DFT_DB_READ = 0, DFT_DB_WRITE = 1 };

/* Attaches the layer to a server: sets the thread hooks. Call before dft_server_run. */
void dft_db_attach(dft_server_t *server);

/* Runs statement `stmt` for request r (its officer, request id, address go into
 * the transaction) with text parameters; cb runs on r's thread, unless the
 * request has gone away by then (then the result is dropped). */
void dft_db_run(dft_req_t *r, const dft_db_scope_t *scope, int mode, const char *stmt, const char *const *params,
                int nparams, dft_db_cb cb, void *ctx);

/* For flows of several steps: runs with r's identity (officer, request id,
 * address) but is not tied to r's lifetime: cb always runs, and the caller
 * checks whether its request is still there. */
void dft_db_run_for(dft_req_t *r, const dft_db_scope_t *scope, int mode, const char *stmt, const char *const *params,
                    int nparams, dft_db_cb cb, void *ctx);

/* One binary parameter that is not copied: its owner keeps it alive until the
 * callback runs (request memory with an attached job, or a flow's own buffer). */
typedef struct dft_db_blob_t {
    int index; /* which parameter; its text entry is ignored */
    const void *data;
    size_t len;
} dft_db_blob_t;

/* The general form: attach as dft_db_run (1) or dft_db_run_for (0); an optional
 * binary parameter; binary_result asks for column values as raw bytes (bytea). */
void dft_db_run_ext(dft_req_t *r, int attach, const dft_db_scope_t *scope, int mode, const char *stmt,
                    const char *const *params, int nparams, const dft_db_blob_t *blob, int binary_result, dft_db_cb cb,
                    void *ctx);

/* The same without a request (background work such as registry refresh). */
void dft_db_run_internal(dft_thread_t *t, const dft_db_scope_t *scope, int mode, const char *stmt,
                         const char *const *params, int nparams, dft_db_cb cb, void *ctx);

/* The common handler ending: 200 with the JSON value, 404 when no row,
 * or the error as a problem. */
void dft_db_respond(dft_req_t *r, const dft_db_scope_t *scope, int mode, const char *stmt, const char *const *params,
                    int nparams);

/* Maps a SQLSTATE to our code (the one table of it). */
dft_code_t dft_db_code_for_sqlstate(const char *sqlstate, int *retryable);

/* A feed: per-thread state loaded from the catalog with one statement (one
 * JSON value) when a connection of the thread comes up and again on every
 * NOTIFY on `channel`. A reload asked for during a load runs once after it.
 * `apply` runs on the thread and replaces the thread's copy whole. */
typedef struct dft_db_feed_t {
    const char *channel;
    const char *stmt;
    int (*apply)(dft_thread_t *t, const char *json, size_t len); /* 0, or -1 for unusable data */
    /* Instead of stmt and apply, for state filled on demand (caches): called
     * with each NOTIFY's payload, and with NULL when a connection of the
     * thread comes up, since notices sent while it was down are lost. */
    void (*notified)(dft_thread_t *t, const char *payload);
    /* LISTEN on the thread's first connection only (every notice once a thread, not once a
     * connection): for feeds whose notices cause work (lib/events). */
    int one_connection;
} dft_db_feed_t;

#define DFT_DB_MAX_FEEDS 8
/* Before dft_server_run. */
void dft_db_add_feed(const dft_db_feed_t *feed);

/* Asked by /readyz once a connection is up and every feed has loaded. */
extern int (*dft_db_ready_check)(dft_thread_t *t, const char **why);

/* For background threads (timers, mailer, webhooks), never an event loop: a blocking connection
 * to dsn named application_name, with the server options given (statement_timeout, ...),
 * keepalives and a TCP user timeout so a vanished host cannot hold the thread for hours, and
 * LISTENing on channel when not NULL. NULL when it cannot connect. */
PGconn *dft_db_connect_blocking(const char *dsn, const char *application_name, const char *options, const char *channel);

/* Text of an embedded statement, or NULL. */
const char *dft_db_statement_text(const char *name);

#endif
