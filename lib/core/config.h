/*
 * config.h — daftar's settings: defaults, then a `key = value` file, then
 * environment variables DAFTAR_<KEY> (upper case), each overriding the last.
 *
 * The config is built once at start-up and read-only afterwards. Unknown keys
 * and out-of-range values are errors, never silently ignored: a typo in a
 * security setting must stop the server, not weaken it.
 */
#ifndef DFT_CONFIG_H
#define DFT_CONFIG_H

#include <stddef.h>
#include <stdint.h>

typedef struct dft_config_t {
    char *listen;     /* cleartext HTTP/1.1 + h2c, "host:port"; "" = off */
    char *tls_listen; /* TLS (ALPN h2, http/1.1); "" = off */
    char *tls_cert, *tls_key;
    int64_t threads; /* 0 = one per core */
    int64_t max_body;         /* JSON bodies: larger ones get our 413 problem */
    int64_t max_request_size; /* transport ceiling: h2o refuses larger bodies outright */
    int64_t max_upload;       /* documents (routes flagged DFT_ROUTE_UPLOAD) */
    int64_t max_json_depth;
    int64_t max_header_bytes; /* names + values of all request headers */
    int64_t h2_max_streams;
    int64_t header_timeout_ms;
    int64_t idle_timeout_ms;  /* a connection that moves no byte either way for this long is closed */
    int64_t min_body_rate;    /* bytes/s an HTTP/2 request body must average after header_timeout_ms; 0 = off */
    int64_t shutdown_timeout_ms;
    int64_t gzip_level; /* zlib level of compressed responses (lib/http/compress.h); 0 = never gzip */
    int64_t brotli_quality; /* Brotli quality of responses up to 32 KiB when taken (compress.h); 0 = never Brotli */
    char *cors_origins; /* comma-separated allow-list */
    char *trusted_proxies; /* CIDRs whose X-Forwarded-For is believed */
    char *log_level;
    /* database */
    char *db_dsn;       /* as daftar_api */
    char *db_admin_dsn; /* as the owner, for migrate and dept commands */
    char *db_standby_dsn; /* as daftar_api, to a standby: reads while no primary is reachable (lib/db); "" = none */
    char *clusters;     /* more PostgreSQL clusters for departments: "name=dsn;..." as daftar_api ("main" is db_dsn) */
    char *cluster_admin_dsns; /* the same names as the owner, for migrate and dept commands */
    int64_t db_connections;
    int64_t db_queue_max;
    int64_t db_pipeline_depth; /* jobs in flight per connection */
    int64_t db_statement_timeout_ms;
    int64_t db_connect_timeout_ms;
    int64_t db_wait_ms; /* how long a request may wait for a connection */
    /* identity */
    char *signing_crl_dir; /* CRLs of the signing CAs (a file each, PEM or DER), re-read when changed */
    int64_t timers;           /* on (1): this server fires due timers (lib/timers) */
    int64_t timers_rescan_ms; /* how often it looks for due timers */
    int64_t audit_checkpoint_s; /* the timers thread anchors every audit chain head this often; 0 = never */
    int64_t idempotency_ttl_s;  /* Idempotency-Keys are kept this long (the timers thread removes older ones) */
    /* e-Dispatch's e-mail letters (lib/dispatch/mailer.c) */
    char *smtp_url;      /* the relay: smtp://host:port (STARTTLS when offered), smtps://host:port; "" = no e-mail */
    char *smtp_user, *smtp_password; /* the relay's login, when it wants one */
    char *mail_from;     /* the sender's address of letters sent by e-mail */
    int64_t mail_rescan_ms; /* how often the mailer looks for letters to send, besides when told */
    /* live events (lib/events) */
    int64_t events_heartbeat_ms;   /* a comment line to every open event stream this often; below idle_timeout_ms */
    int64_t events_buffer_bytes;   /* what a stream may have waiting for its reader before it is cut off */
    int64_t events_max_streams;    /* open event streams a server holds at most (503 beyond) */
    int64_t events_retention_days; /* the outboxes keep events this long (Last-Event-ID resumes within it) */
    int64_t webhooks;                  /* on (1): this server makes webhook deliveries (lib/events/deliver.c) */
    int64_t webhook_timeout_ms;        /* a delivery's whole try, at most */
    int64_t webhook_max_attempts;      /* tries before a delivery is dead (replayable) */
    int64_t webhook_backoff_ms;        /* after the first failed try; doubles each try, at most an hour */
    int64_t webhook_rescan_ms;         /* how often it looks for retries due, besides when told */
    int64_t webhook_insecure_loopback; /* on: plain http:// to a loopback address is accepted (tests only) */
    char *webhook_allow_hosts;         /* addresses, CIDR blocks, host names let in past the SSRF check (egress.c) */
    /* operations */
    char *metrics_listen; /* /metrics alone, HTTP/1.1 + h2c, served by one thread; "" = off; never on the API listeners */
    char *metrics_token;  /* when set, /metrics needs "Authorization: Bearer <it>"; required off loopback */
    char *master_key; /* 64 hex digits; decrypts signing keys (and later document keys) */
    char *jwt_issuer, *jwt_audience;
    int64_t access_ttl;  /* seconds */
    int64_t refresh_ttl; /* seconds */
    int64_t refresh_replay_s; /* a used refresh token gets its same successor again this long after (0: never) */
    int64_t workers;     /* threads for scrypt and signing; 0 = half the cores, at least 1 */
    int64_t worker_queue_max;
    int64_t worker_starve_ms; /* workers are SCHED_IDLE until a task starves this long (worker.h); 0 = never idle */
    int64_t hash_process;     /* 1: scrypt in the workers' helper processes, each its own session (worker.h) */
    int64_t login_address_limit; /* failed logins per client address in 15 minutes before 429 */
    int64_t login_account_limit; /* failed logins in a row from all addresses before the account locks for an hour */
    int64_t login_hashing_per_address; /* sign-ins from one address queued or hashing before 429 (lib/auth/routes.c) */
    int64_t login_hashing_max;         /* sign-ins queued or hashing in all before 429 */
    int64_t password_scrypt_log_n; /* scrypt cost of new password hashes: N = 2^this (r=8, p=1) */
    char *signing_ca;            /* PEM bundle of CAs trusted for officers' signing certificates; "" = no signatures */
} dft_config_t;

void dft_config_init(dft_config_t *c);
void dft_config_dispose(dft_config_t *c);

/* Each returns 0, or -1 with a message for the operator in err. */
int dft_config_set(dft_config_t *c, const char *key, const char *value, char *err, size_t errlen);
int dft_config_load_text(dft_config_t *c, const char *text, size_t len, const char *origin, char *err, size_t errlen);
int dft_config_load_file(dft_config_t *c, const char *path, char *err, size_t errlen);
int dft_config_load_env(dft_config_t *c, char *err, size_t errlen);

/* Splits "host:port" or "[v6]:port"; 0 or -1. */
/* One named cluster of a `clusters` list. */
typedef struct dft_cluster_t {
    char name[32]; /* ^[a-z][a-z0-9_]{0,30}$, never "main" */
    char *dsn;
} dft_cluster_t;
#define DFT_MAX_CLUSTERS 16
/* Parses "name=dsn;name=dsn" (spaces around items ignored; a DSN may hold '=' but not ';') into out
 * (dsn strings allocated; free them with dft_clusters_dispose). The count, or -1 with err. */
int dft_clusters_parse(const char *spec, dft_cluster_t *out, size_t max, char *err, size_t errlen);
void dft_clusters_dispose(dft_cluster_t *list, size_t n);

int dft_config_split_hostport(const char *s, char *host, size_t hostlen, uint16_t *port);

#endif
