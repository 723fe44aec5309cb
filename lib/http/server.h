/*
 * server.h — the HTTP server: event-loop threads, listeners, TLS, the request
 * pipeline and the response helpers handlers use.
 *
 * One dft_server_t per process, built at start-up and read-only afterwards.
 * One dft_thread_t per event-loop thread, touched only by its own thread
 * (metrics counters are the exception: they are read by /metrics on any
 * thread with relaxed atomics). A dft_req_t lives in its h2o request's pool;
 * work that outlives the request (a database query whose client went away)
 * is detached from it, never freed under it.
 */
#ifndef DFT_SERVER_H
#define DFT_SERVER_H

#define H2O_USE_LIBUV 0
#include <h2o.h>
#include <jansson.h>
#include <pthread.h>

#include "../core/config.h"
#include "../core/error.h"
#include "compress.h"
#include "metrics.h"
#include "router.h"

typedef struct dft_server_t dft_server_t;
typedef struct dft_thread_t dft_thread_t;
typedef struct dft_req_t dft_req_t;

/* Hooks a subsystem (the database layer) attaches to every event-loop thread. */
typedef struct dft_thread_hooks_t {
    void (*on_start)(dft_thread_t *t);    /* on the thread, before it serves */
    void (*on_drained)(dft_thread_t *t);  /* on the thread, after the last request */
    size_t (*queue_depth)(dft_thread_t *t); /* any thread, for /metrics */
    int (*ready)(dft_thread_t *t, const char **why); /* on the thread, for /readyz */
    /* routes without DFT_ROUTE_PUBLIC: 0 = go on, -1 = responded, 1 = in progress (the hook
     * later responds or calls dft_req_proceed) */
    int (*authenticate)(dft_req_t *r);
} dft_thread_hooks_t;

struct dft_thread_t {
    dft_server_t *server;
    size_t index;
    pthread_t tid;
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_plain, accept_tls, accept_metrics;
    h2o_socket_t *listen_plain, *listen_tls, *listen_metrics; /* metrics: thread 0 only */
    h2o_multithread_receiver_t control;
    h2o_timeout_t drain_timer;
    h2o_timeout_entry_t drain_entry;
    uint64_t drain_deadline;
    size_t inflight;
    int draining, done;
    char id_prefix[17];
    uint64_t id_counter;
    dft_metrics_t *metrics;
    void *db; /* the thread's database pool (lib/db), or NULL */
    /* set by lib/db: no primary is reachable and reads go to the standby (degraded read-only mode);
     * responses then say `Daftar-Mode: read-only` and changes get 503 read-only */
    int read_only;
    void *auth; /* the thread's keys, revocations and token cache (lib/auth), or NULL */
    h2o_multithread_receiver_t *worker_done; /* results of worker tasks (worker.c) */
    h2o_linklist_t conns; /* every open client connection of the thread (watchdog.c) */
    size_t num_conns;
    h2o_timeout_t sweep_timer;
    h2o_timeout_entry_t sweep_entry;
};

struct dft_server_t {
    dft_config_t *config;
    dft_router_t *router;         /* the API's routes */
    struct dft_schema_t *schema;  /* each route's request body schema from the contract (schema.h) */
    dft_router_t *metrics_router; /* the metrics listener's: /metrics alone */
    h2o_globalconf_t h2o;
    h2o_hostconf_t *api_hosts[2], *metrics_hosts[2]; /* each listener sees only its own host */
    SSL_CTX *ssl_ctx;
    dft_thread_t *threads;
    size_t num_threads;
    dft_thread_hooks_t hooks;
    dft_static_t openapi; /* /openapi.json, with its gzip */
    int fds_plain[256], fds_tls[256], fd_metrics;
    volatile int threads_done;
    struct dft_cidr_t *trusted_proxies;
    size_t num_trusted_proxies;
};

struct dft_req_t {
    h2o_req_t *h2o;
    dft_thread_t *thread;
    const dft_route_t *route;
    size_t route_index;
    size_t num_params;
    dft_param_t params[DFT_MAX_PARAMS];
    dft_query_t query;
    char request_id[72];
    unsigned hindi : 1;
    unsigned responded : 1;
    unsigned metrics_listener : 1; /* came in on metrics_listen */
    unsigned json_body : 1;        /* the body was read as JSON: a field error names a member (its pointer) */
    h2o_iovec_t cors_origin; /* echoed when the Origin is allowed */
    void *pending;           /* async work in flight (e.g. a db job), detached on dispose */
    void (*detach)(void *pending);
    const struct dft_principal_t *principal; /* set by authentication on non-public routes */
    const char *officer_uid;                 /* the principal's UID, for the database session */
    void *pending_data;                      /* a handler's own state across an attached db job */
    char client_addr[48];                    /* the client: socket peer, or X-Forwarded-For from a trusted proxy */
    /* what the database's object-level rules read (daftar.clearance, .roles, .otp, .trusted,
     * .dept); filled by the tenant resolver for the request's department (roles are the
     * caller's there); nothing visible by default */
    struct {
        char clearance[4];
        char roles[256]; /* ",role,role,": every role fits */
        char otp[2], trusted[2];
        char dept[32]; /* the department's code; "" outside one */
    } session;
};

/* Builds everything that can fail (config checks, sockets, TLS) before any
 * thread starts; returns NULL after logging why. */
dft_server_t *dft_server_new(dft_config_t *config, const dft_route_table_t *const *tables, size_t num_tables);
/* Runs until SIGTERM/SIGINT has drained the threads; returns the exit status. */
int dft_server_run(dft_server_t *server);

/* watchdog.c: closes connections that stall (see there). On the thread: start
 * once before serving; track every accepted socket. */
void dft_watchdog_start(dft_thread_t *t);
void dft_watchdog_track(dft_thread_t *t, h2o_socket_t *sock);

/* ---- for handlers ---- */

/* Runs the route's handler: for an authentication hook that answered 1. */
void dft_req_proceed(dft_req_t *r);

const dft_str_t *dft_req_param(dft_req_t *r, const char *name);
const dft_str_t *dft_req_query(dft_req_t *r, const char *name);

/* Whether the If-None-Match value `list` names etag (weak comparison; "*" names any). */
int dft_etag_listed(const char *list, size_t len, const char *etag, size_t etag_len);

/* `body` must live as long as the request (pool memory or static). A GET answered 200
 * with JSON gets an ETag (the handler's, or a weak one of the body) and is answered 304
 * when If-None-Match names it. */
void dft_respond(dft_req_t *r, int status, const char *content_type, h2o_iovec_t body);
void dft_respond_json(dft_req_t *r, int status, const char *json, size_t len); /* copies json into the pool */
void dft_respond_error(dft_req_t *r, const dft_error_t *err);
void dft_respond_code(dft_req_t *r, dft_code_t code, const char *detail);
/* 200 with a start-up body in the encoding the request takes (compress.h);
 * headers the handler added first (cache-control) stay. */
void dft_respond_static(dft_req_t *r, const dft_static_t *s);
void dft_add_header(dft_req_t *r, const char *name, const char *value);
/* Starts a streamed response (status, the common headers, content_type) whose body the
 * generator's owner sends with h2o_send (lib/events: Server-Sent Events, NDJSON exports). */
void dft_respond_stream(dft_req_t *r, int status, const char *content_type, h2o_generator_t *generator);

/* Decodes the JSON object body: checks Content-Type, size, nesting depth,
 * duplicate keys and UTF-8. On failure fills err (pool memory) and returns NULL.
 * The result is released with the request. */
json_t *dft_req_json_body(dft_req_t *r, dft_error_t *err);

/* 400 with one field error; strings must outlive the request (static or pool). The error has a JSON
 * Pointer ("/" field) when the request's body was read as JSON and the field is not one of the route's
 * query parameters nor a header (a name with a capital). */
void dft_respond_field_error(dft_req_t *r, const char *field, const char *reason, const char *message);
/* dft_req_json_body, then the route's request schema in the contract (every wrong member reported,
 * schema.h), then dft_body_only_fields: the body, or NULL after responding. */
json_t *dft_req_json_object(dft_req_t *r, const char *const *allowed);
/* Refuses members of body not in allowed (NULL-terminated): 0, or -1 after a 400. */
int dft_body_only_fields(dft_req_t *r, json_t *body, const char *const *allowed);
/* The string member `name` of 1..max bytes without NUL; NULL after a 400. */
const char *dft_body_string(dft_req_t *r, json_t *body, const char *name, size_t max);
/* An optional string member of at most max bytes (may be empty); "" when absent; NULL after a 400. */
const char *dft_body_optional_string(dft_req_t *r, json_t *body, const char *name, size_t max);
/* Free text: a string of at most max_chars characters (code points, as the contract's
 * maxLength counts them, so Hindi gets as many as English), non-empty when required;
 * "" when optional and absent; NULL after a 400. */
const char *dft_body_text(dft_req_t *r, json_t *body, const char *name, size_t max_chars, int required);
/* ?limit= (1..100, default 20) as text into limit[8]; 0, or -1 after a 400. */
int dft_req_limit(dft_req_t *r, char limit[8]);

/* Nesting depth of the JSON text (brackets outside strings); for limits
 * before parsing. */
size_t dft_json_depth(const char *s, size_t len);
/* Copies JSON src[0..len) to dst (len bytes at least) without the whitespace outside its strings
 * (PostgreSQL's json_build_object writes `"a" : 1, "b"`): what every JSON response sends. Returns the
 * length written. */
size_t dft_json_compact(char *dst, const char *src, size_t len);

/* A valid X-Request-Id is 1..64 of [A-Za-z0-9._:-]. */
int dft_request_id_valid(const char *s, size_t len);

#endif
