/*
 * files_internal.h — what the files of lib/files share: path parameters,
 * the department scope, and flows (requests of several steps that go to the
 * database and to a worker thread in turn: uploads, signatures).
 */
#ifndef DFT_FILES_INTERNAL_H
#define DFT_FILES_INTERNAL_H
#include "../db/db.h"
#include "../http/server.h"
#include "../http/worker.h"

#include <jansson.h>

/* The department of the path for a member; fills scope; 0, or -1 after responding. */
int dft_files_dept_scope(dft_req_t *r, dft_db_scope_t *scope);
/* 1 when s is a UUID in text form. */
int dft_files_uuid_valid(const char *s, size_t len);
/* The UUID path parameter `name` as text in out[37]; a malformed id names nothing (404 `missing`). */
int dft_files_path_uuid(dft_req_t *r, const char *name, const char *missing, char out[37]);
/* {n} of the path as text; NULL after a 404. */
const char *dft_files_note_number(dft_req_t *r);

/* The `cursor` query parameter ('micros_uuid' from a previous page): "" when absent, NULL after a 400. */
const char *dft_files_cursor(dft_req_t *r);

/* A body member that must be one of set: `def` when absent (a 400 "required" when def is NULL),
 * NULL after a 400. */
const char *dft_files_enum(dft_req_t *r, json_t *body, const char *name, const char *const *set, const char *def);
/* The same for a query parameter (no "required"). */
const char *dft_files_query_enum(dft_req_t *r, const char *name, const char *const *set, const char *def);
/* The Idempotency-Key header (NULL when absent) in *key; 0, or -1 after a 400. */
int dft_files_idempotency_key(dft_req_t *r, const char **key);
/* Responds with column 0 and, when there is a column 1, ETag "<column 1>". */
void dft_files_respond_with_etag(dft_req_t *r, int status, const dft_db_reply_t *reply);
/* The callback of create statements, which return {"replayed": bool, "<thing>": {...}}:
 * 201 with the thing (Idempotent-Replayed: true for a replay) and its ETag when column 1 has one. */
void dft_files_on_created(void *ctx, const dft_db_reply_t *reply);

/* An optional date member "YYYY-MM-DD" (a real day): *out NULL when absent; 0, or -1 after a 400. */
int dft_files_date(dft_req_t *r, json_t *body, const char *name, const char **out);

/* A flow outlives neither the server nor its request's thread, but may outlive
 * the request: `req` turns NULL when the client goes, and each step checks it.
 * It owns a copy of the scope, since the registry may be replaced between steps. */
typedef struct dft_flow_t {
    dft_task_t task; /* first: the worker step */
    dft_req_t *req;
    dft_db_scope_t scope;
    char role[40];
    void (*dispose)(struct dft_flow_t *f); /* frees what the flow owns beyond itself */
} dft_flow_t;

/* Allocates a flow of `size` bytes (a struct with dft_flow_t first) tied to r. */
void *dft_flow_new(size_t size, dft_req_t *r, const dft_db_scope_t *scope, void (*dispose)(dft_flow_t *f));
/* Ends a flow: unties it from its request and frees it. */
void dft_flow_free(dft_flow_t *f);
/* The request, or NULL (and the flow freed) when the client has gone. */
dft_req_t *dft_flow_request(dft_flow_t *f);
/* Runs `run` on a worker, then `done` on the loop; on a full queue answers 503 and frees the flow. */
void dft_flow_submit(dft_flow_t *f, void (*run)(dft_task_t *), void (*done)(dft_task_t *));
/* Answers r with the error (or 404 `missing` when the reply has no value) and frees the flow;
 * 0 when the reply is a value to go on with. */
int dft_flow_failed(dft_flow_t *f, const dft_db_reply_t *reply, const char *missing);
#endif
