/*
 * kit.h — what every resource family (e-File, and the families after it)
 * builds its handlers from: the department of the path, path and query
 * parameters, body members, the Idempotency-Key header, ETag and
 * 201-or-replay replies, and flows (requests of several steps that go to the
 * database and to a worker thread in turn: uploads, signatures).
 *
 * Nothing here knows a family: a helper that names files, letters or leave
 * belongs in that family's folder. Every function that answers the request
 * itself (a 400 or 404 problem) says so; the caller then returns at once.
 * See lib/README.md for how a family is put together.
 */
#ifndef DFT_KIT_H
#define DFT_KIT_H
#include "../db/db.h"
#include "../http/server.h"
#include "../http/worker.h"

#include <jansson.h>
#include <stdint.h>

/* ------------------------------------------------------ path and scope */

/* The department of the path ({dept}) for a member; fills scope; 0, or -1 after responding. */
int dft_kit_dept_scope(dft_req_t *r, dft_db_scope_t *scope);
/* A statewide scope (sql/state/<name>/, README "Scopes"): with_dept, as a
 * member of the path's {dept} (the caller's roles there, the department in
 * daftar.dept); else as the caller alone. 0, or -1 after responding. */
int dft_kit_state_scope(dft_req_t *r, const char *name, int with_dept, dft_db_scope_t *scope);
/* The officer UID path parameter `name` (11 digits, check digit) in out[12]; else 404 `missing`. */
int dft_kit_path_uid(dft_req_t *r, const char *name, const char *missing, char out[12]);
/* The UUID path parameter `name` as text in out[37]; a malformed id names nothing (404 `missing`). */
int dft_kit_path_uuid(dft_req_t *r, const char *name, const char *missing, char out[37]);
/* The path parameter `name`, a number 1..max, as text; NULL after a 404 `missing`. */
const char *dft_kit_path_number(dft_req_t *r, const char *name, int64_t max, const char *missing);

/* ----------------------------------------------------- query and body */

/* The query parameters of a plain paged list: limit, cursor. */
extern const char *const dft_kit_page_query[];
/* The `cursor` query parameter ('micros_uuid' from a previous page): "" when absent, NULL after a 400. */
const char *dft_kit_cursor(dft_req_t *r);
/* A checked cursor (dft_kit_cursor's, "" for the first page) as the two parameters of a statement that pages over
 * an index from the cursor on (files_inbox, files_all, receipts_all): *at the timestamp it names, exactly
 * (microseconds), *id its id; the first page (or a time past 2255) starts at 'infinity' and the greatest id. */
void dft_kit_cursor_at(dft_req_t *r, const char *cursor, const char **at, const char **id);
/* A page of a numbered list (notes by n, the track by seq): ?limit= (1..100, default 100) into
 * limit[8] and ?cursor= (a next_cursor: the number after which to start; 0 when absent) into
 * after[12]; 0, or -1 after a 400. */
int dft_kit_numbered_page(dft_req_t *r, char limit[8], char after[12]);
/* ?limit= (1..100) of a list that came whole before it paged (the notesheet, the track, documents):
 * 100 when absent, so such a list of up to 100 still comes in one page; 0, or -1 after a 400. */
int dft_kit_page_limit(dft_req_t *r, char limit[8]);
/* A body member that must be one of set: `def` when absent (a 400 "required" when def is NULL),
 * NULL after a 400. */
const char *dft_kit_body_enum(dft_req_t *r, json_t *body, const char *name, const char *const *set, const char *def);
/* The same for a query parameter (no "required"). */
const char *dft_kit_query_enum(dft_req_t *r, const char *name, const char *const *set, const char *def);
/* The UUID member `name` (an id of something); NULL after a 400. */
const char *dft_kit_body_uuid(dft_req_t *r, json_t *body, const char *name);
/* The officer UID member `name` (11 digits, check digit); NULL after a 400. */
const char *dft_kit_body_uid(dft_req_t *r, json_t *body, const char *name);
/* A whole-number member of min..max as text: `def` when absent (a 400 "required" when def is NULL),
 * NULL after a 400. */
const char *dft_kit_body_int(dft_req_t *r, json_t *body, const char *name, int64_t min, int64_t max, const char *def);
/* An optional date member "YYYY-MM-DD" (a real day): *out NULL when absent; 0, or -1 after a 400. */
int dft_kit_body_date(dft_req_t *r, json_t *body, const char *name, const char **out);
/* The same for a query parameter: *out "" when absent. */
int dft_kit_query_date(dft_req_t *r, const char *name, const char **out);
/* A query parameter that is an RFC 3339 date-time (delta sync's `updated_since`): *out "" when absent;
 * 0, or -1 after a 400. */
int dft_kit_query_time(dft_req_t *r, const char *name, const char **out);
/* A free-text search query parameter of at most 200 bytes: "" when absent; NULL after a 400. */
const char *dft_kit_query_text(dft_req_t *r, const char *name);
/* The version named by If-Match ("<n>", as the ETags of versioned things are) as
 * text: NULL after a 428 (absent, when required) or 412 (not a version of
 * `thing`); "" when absent and not required. */
const char *dft_kit_if_match(dft_req_t *r, const char *thing, int required);
/* The Idempotency-Key header (NULL when absent) in *key; 0, or -1 after a 400. */
int dft_kit_idempotency_key(dft_req_t *r, const char **key);
/* What an Idempotency-Key is bound to: SHA-256 of the method, the path (query included) and the
 * body, as 64 hex digits (hash[65]), so one key with one body for two files is two requests. */
void dft_kit_request_hash(dft_req_t *r, char hash[65]);
/* What a creating POST gives its statement to retry safely: keyed[0] the Idempotency-Key (NULL when
 * absent), keyed[1] dft_kit_request_hash; the statement passes both to daftar.idempotency_replay and
 * daftar.idempotency_keep (sql/catalog/functions/, the one store of every scope) and answers
 * {"replayed": bool, "<thing>": ...} for dft_kit_on_created. 0, or -1 after a 400. */
int dft_kit_idempotent(dft_req_t *r, const char *keyed[2]);

/* A department's list of one statement taking the cursor ($1) and limit ($2) only: the whole handler. */
void dft_kit_list_page(dft_req_t *r, const char *stmt);

/* ------------------------------------------------------------ replies */

/* Responds with column 0 and, when there is a column 1, ETag "<column 1>". */
void dft_kit_respond_etag(dft_req_t *r, int status, const dft_db_reply_t *reply);
/* Callbacks (ctx is the request) for statements whose column 0 is the thing and
 * column 1 its version: 200 or 201 with ETag, or the error as a problem. */
void dft_kit_on_etag(void *ctx, const dft_db_reply_t *reply);
void dft_kit_on_etag_created(void *ctx, const dft_db_reply_t *reply);
/* For statements that make a thing or return the one there (column 2 true when made): 201 or 200 with
 * ETag column 1, or the error. */
void dft_kit_on_put(void *ctx, const dft_db_reply_t *reply);
/* 201 with the JSON value (no version), or the error. */
void dft_kit_on_json_created(void *ctx, const dft_db_reply_t *reply);
/* The callback of create statements, which return {"replayed": bool, "<thing>": {...}}:
 * 201 with the thing (Idempotent-Replayed: true for a replay) and its ETag when column 1 has one. */
void dft_kit_on_created(void *ctx, const dft_db_reply_t *reply);
/* The thing of a {"replayed": bool, "<thing>": ...} reply, as JSON text to free(), with
 * Idempotent-Replayed set on r for a replay; NULL (after a 500) when the reply is unusable. */
char *dft_kit_created_thing(dft_req_t *r, const dft_db_reply_t *reply);

/* -------------------------------------------------------------- flows */

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

/* ------------------------------------------------------ signed writes */

/* A write that may carry the caller's detached CMS signature over a thing's
 * hash (sign.h; README, "e-File", digital signatures). The family's statements:
 *   to_sign(params)  -> {"hash": 64 hex, "certificates": [base64 DER, ...]}: what
 *                       the caller signs and their registered certificates; raises
 *                       when the caller may not write now (no row: 404 `missing`);
 *   write(params, hash, fingerprint, subject, issuer, serial, not_after,
 *         signing_time, cms)  -> the reply `done` gets; the eight are NULL
 *                       for a write without a signature, and the write checks
 *                       that the hash signed is still the thing's. */
typedef struct dft_sign_target_t {
    const char *missing, *to_sign, *write;
    int to_sign_n; /* to_sign takes the first to_sign_n params (0: all of them) */
} dft_sign_target_t;

/* Without a signature (cms_b64 NULL) runs `write` at once; with one, verifies it on a worker first
 * (registered certificate, valid today, trusted chain, not revoked, over the hash: else 422; 503 when
 * signatures are not configured; 400 for base64 that is not). done(r, reply) runs only while the request
 * is there. n <= 8. */
void dft_kit_signed_write(dft_req_t *r, const dft_db_scope_t *scope, const dft_sign_target_t *target,
                          const char *const *params, int n, const char *cms_b64, dft_db_cb done);

struct dft_der_t;
/* Decodes a JSON array of base64 DER certificates into der (appended), certs[0..max) pointing into it;
 * returns how many. */
size_t dft_kit_certs_load(json_t *list, dft_buf_t *der, struct dft_der_t *certs, size_t max);

/* -------------------------------------------------------- attachments */

/* Where an upload goes: an owner of documents in a family (a file, a
 * receipt, a letter). The family's statements:
 *   classify(owner id)  -> column 0 the owner's classification, column 1 the
 *                          department's sealed data key or NULL; no row when
 *                          the caller may not attach to it (404 `missing`);
 *   add(owner id, filename, content type, size, sha256, encrypted, content)
 *                       -> the stored document as JSON (201, ETag its SHA-256). */
typedef struct dft_attach_target_t {
    const char *param, *missing; /* path parameter of the owner's id, its 404 text */
    const char *classify, *add;  /* statements */
    /* An owner inside another (a file's draft): the path parameter of the enclosing owner's id and its
     * 404 text; that id then comes first to both statements. NULL: none. */
    const char *parent, *parent_missing;
    /* A POST that adds a document: it takes Idempotency-Key, and `add` takes two more parameters, the key
     * (or NULL) and the request's hash, and answers {"replayed": bool, "<thing>": the document}. */
    int idempotent;
} dft_attach_target_t;

/* The query parameters of an upload route (filename). */
extern const char *const dft_attach_upload_query[];
/* An upload route's handler body (the route has DFT_ROUTE_UPLOAD): PDF, PNG or JPEG by Content-Type and
 * magic bytes, ?filename= 1-200 characters without a path. */
void dft_attach_upload(dft_req_t *r, const dft_attach_target_t *target);
/* Answers with a document's bytes: `stmt` returns content, content type, filename, sha256, encrypted and
 * the sealed data key (no row: 404); runs read-write, since reading a confidential one is audited. */
void dft_attach_download(dft_req_t *r, const dft_db_scope_t *scope, const char *stmt, const char *const *params, int n);

#endif /* DFT_KIT_H */
