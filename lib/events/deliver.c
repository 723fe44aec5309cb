/*
 * deliver.c — webhook deliveries, made off the event loops (issue 22).
 *
 * One thread per server (setting webhooks, on by default; needs master_key),
 * with its own blocking libpq connection as the server's role and libcurl's
 * multi interface, so many deliveries are in flight at once and one that
 * hangs holds only its own slot until webhook_timeout_ms: the thread goes
 * on claiming and sending the others meanwhile (tests/api/test_webhooks.py,
 * a receiver that never answers). It sleeps in curl_multi_poll on the
 * transfers and the database socket together, woken by NOTIFY
 * daftar_webhooks ("<dept code>": webhooks_enqueue, a replay) and every
 * webhook_rescan_ms, when it asks which departments have deliveries due
 * (daftar.webhook_due_departments: retries after their backoff).
 *
 * For a department, as its role and the officer 'webhooks':
 *   claim   dept.webhook_claim(): due deliveries, each leased for the
 *           timeout and 30 s more (one short transaction; FOR UPDATE SKIP
 *           LOCKED, so servers share the work; a server that dies leaves
 *           the lease to run out and the delivery is tried again);
 *   send    POST the body fixed at enqueue, with Daftar-Event-Id (the
 *           event's id, for de-duplication: at least once means maybe
 *           twice), Daftar-Delivery-Id, and Daftar-Signature
 *           "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>";
 *           no redirect followed, no proxy, at most webhook_timeout_ms;
 *           each connection opened only to an address egress.c allows
 *           (checked on the address curl resolved and connects to, so a
 *           name that resolves inside is refused: "address not allowed");
 *   record  dept.webhook_done(): the try in the log; 2xx delivered, else
 *           a retry after webhook_backoff_ms doubling each try, dead after
 *           webhook_max_attempts (replayable).
 * The secret is opened only here, for the signature, and never logged.
 */
#include "events.h"
#include "events_internal.h"

#include "../core/core.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/metrics.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <libpq-fe.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_FLIGHT 64    /* deliveries in flight at once */
#define MAX_PENDING 256  /* departments told of and not yet claimed from */

typedef struct deliverer_t {
    char *dsn;
    int64_t timeout_ms, max_attempts, backoff_ms, rescan_ms;
    int insecure_loopback;
} deliverer_t;

typedef struct xfer_t {
    CURL *easy;
    struct curl_slist *headers;
    char code[32], id[24];
    char *body;
    uint64_t started_ms;
    int name_allowed; /* the URL's host is on webhook_allow_hosts by name: any of its addresses */
    int refused;      /* a connection was refused by the address check */
} xfer_t;

static uint64_t delivered_total, failed_total;

static void render_metrics(dft_buf_t *out)
{
    dft_buf_printf(out,
                   "# HELP daftar_webhook_delivered_total Webhook deliveries a receiver took (2xx), from this server.\n"
                   "# TYPE daftar_webhook_delivered_total counter\n"
                   "daftar_webhook_delivered_total %llu\n"
                   "# HELP daftar_webhook_failed_total Webhook tries that failed (retried, or dead after the last).\n"
                   "# TYPE daftar_webhook_failed_total counter\n"
                   "daftar_webhook_failed_total %llu\n",
                   (unsigned long long)__atomic_load_n(&delivered_total, __ATOMIC_RELAXED),
                   (unsigned long long)__atomic_load_n(&failed_total, __ATOMIC_RELAXED));
}

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int ok(PGresult *res, ExecStatusType want)
{
    int good = PQresultStatus(res) == want;
    PQclear(res);
    return good;
}

/* BEGIN as the department's role, for the officer 'webhooks'. */
static int begin_as(PGconn *c, const char *code)
{
    char role[64];
    snprintf(role, sizeof(role), "dept_%s", code);
    const char *params[] = {role, code};
    return ok(PQexec(c, "BEGIN"), PGRES_COMMAND_OK) &&
                   ok(PQexecParams(c,
                                   "SELECT set_config('role', $1, true), set_config('daftar.officer_uid', 'webhooks', true),"
                                   " set_config('daftar.client_addr', '', true), set_config('daftar.request_id', 'webhooks', true),"
                                   " set_config('daftar.roles', ',', true), set_config('daftar.clearance', '-1', true),"
                                   " set_config('daftar.otp', 'f', true), set_config('daftar.trusted', 'f', true),"
                                   " set_config('daftar.dept', $2, true)",
                                   2, NULL, params, NULL, NULL, 0),
                      PGRES_TUPLES_OK)
               ? 0
               : -1;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p, (void)ctx;
    return size * n; /* the receiver's body is not kept */
}

/* Opens the socket for a connection only when its address may be reached (the SSRF check after DNS). */
static curl_socket_t open_checked(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
    xfer_t *x = ctx;
    (void)purpose;
    const void *addr = NULL;
    if (a->family == AF_INET && a->addrlen >= sizeof(struct sockaddr_in))
        addr = &((const struct sockaddr_in *)&a->addr)->sin_addr;
    else if (a->family == AF_INET6 && a->addrlen >= sizeof(struct sockaddr_in6))
        addr = &((const struct sockaddr_in6 *)&a->addr)->sin6_addr;
    if (addr == NULL || (!x->name_allowed && !dft_egress_address_allowed(a->family, addr))) {
        char text[INET6_ADDRSTRLEN] = "?";
        if (addr != NULL)
            inet_ntop(a->family, addr, text, sizeof(text));
        dft_log(DFT_LOG_WARN, "webhooks", "%s: delivery %s refused: %s is not allowed (webhook_allow_hosts)", x->code, x->id,
                text);
        x->refused = 1;
        return CURL_SOCKET_BAD;
    }
    return socket(a->family, a->socktype, a->protocol);
}

static void xfer_free(xfer_t *x)
{
    if (x->easy != NULL)
        curl_easy_cleanup(x->easy);
    curl_slist_free_all(x->headers);
    free(x->body);
    free(x);
}

/* Starts one delivery (a claimed row); NULL when it cannot (recorded as a failed try by the caller). */
static xfer_t *start(const deliverer_t *d, CURLM *multi, const char *code, PGresult *res, int row)
{
    dft_buf_t secret = {0};
    if (dft_webhooks_open_secret(PQgetvalue(res, row, 3), &secret) != 0)
        return NULL;
    xfer_t *x = dft_calloc(1, sizeof(*x));
    snprintf(x->code, sizeof(x->code), "%s", code);
    snprintf(x->id, sizeof(x->id), "%s", PQgetvalue(res, row, 0));
    x->body = dft_strdup(PQgetvalue(res, row, 5));
    char t[24], mac_hex[65];
    snprintf(t, sizeof(t), "%lld", (long long)time(NULL));
    dft_buf_t signed_text = {0};
    dft_buf_printf(&signed_text, "%s.%s", t, x->body);
    unsigned char mac[32];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), secret.data, (int)secret.len, (const unsigned char *)signed_text.data, signed_text.len, mac, &mac_len);
    dft_wipe(secret.data, secret.len);
    dft_buf_dispose(&secret);
    dft_buf_dispose(&signed_text);
    for (int i = 0; i < 32; ++i)
        snprintf(mac_hex + 2 * i, 3, "%02x", mac[i]);
    char h[256];
    x->headers = curl_slist_append(x->headers, "Content-Type: application/json");
    x->headers = curl_slist_append(x->headers, "User-Agent: daftar-webhooks/1");
    x->headers = curl_slist_append(x->headers, "Expect:");
    snprintf(h, sizeof(h), "Daftar-Event-Id: %s", PQgetvalue(res, row, 4));
    x->headers = curl_slist_append(x->headers, h);
    snprintf(h, sizeof(h), "Daftar-Delivery-Id: %s", x->id);
    x->headers = curl_slist_append(x->headers, h);
    snprintf(h, sizeof(h), "Daftar-Signature: t=%s,v1=%s", t, mac_hex);
    x->headers = curl_slist_append(x->headers, h);
    x->easy = curl_easy_init();
    if (x->easy == NULL) {
        xfer_free(x);
        return NULL;
    }
    char host[256];
    x->name_allowed = dft_egress_url_host(PQgetvalue(res, row, 2), host, sizeof(host)) == 0 && dft_egress_name_allowed(host);
    curl_easy_setopt(x->easy, CURLOPT_URL, PQgetvalue(res, row, 2));
    curl_easy_setopt(x->easy, CURLOPT_PROXY, ""); /* straight to the checked address, never via an environment proxy */
    curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETFUNCTION, open_checked);
    curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETDATA, x);
    curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, d->insecure_loopback ? "https,http" : "https");
    curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body);
    curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(x->body));
    curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
    curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS, (long)d->timeout_ms);
    curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT_MS, (long)(d->timeout_ms < 5000 ? d->timeout_ms : 5000));
    curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
    x->started_ms = mono_ms();
    if (curl_multi_add_handle(multi, x->easy) != CURLM_OK) {
        xfer_free(x);
        return NULL;
    }
    return x;
}

/* Records a try's outcome; 0, or -1 when the connection failed. */
static int record(const deliverer_t *d, PGconn *c, const char *code, const char *id, long status, const char *error,
                  uint64_t ms)
{
    if (begin_as(c, code) != 0)
        return PQstatus(c) == CONNECTION_OK ? 0 : -1;
    char st[16], dur[24], max[24], backoff[24], sql[160];
    snprintf(st, sizeof(st), "%ld", status);
    snprintf(dur, sizeof(dur), "%llu", (unsigned long long)(ms > 2000000000 ? 2000000000 : ms));
    snprintf(max, sizeof(max), "%lld", (long long)d->max_attempts);
    snprintf(backoff, sizeof(backoff), "%lld", (long long)d->backoff_ms);
    char *schema = NULL;
    char role[64];
    snprintf(role, sizeof(role), "dept_%s", code);
    schema = PQescapeIdentifier(c, role, strlen(role));
    snprintf(sql, sizeof(sql), "SELECT %s.webhook_done($1::bigint, $2::integer, $3, $4::integer, $5::integer, $6::integer)",
             schema ? schema : "\"\"");
    PQfreemem(schema);
    const char *params[] = {id, status > 0 ? st : NULL, error, dur, max, backoff};
    int good = ok(PQexecParams(c, sql, 6, NULL, params, NULL, NULL, 0), PGRES_TUPLES_OK);
    good = ok(PQexec(c, good ? "COMMIT" : "ROLLBACK"), PGRES_COMMAND_OK) && good;
    return good || PQstatus(c) == CONNECTION_OK ? 0 : -1;
}

/* Claims up to `room` due deliveries of the department and starts them; how many, or -1 (connection). */
static int claim(const deliverer_t *d, PGconn *c, CURLM *multi, const char *code, int room, int *running)
{
    if (begin_as(c, code) != 0)
        return PQstatus(c) == CONNECTION_OK ? 0 : -1;
    char role[64], sql[128], limit[16], lease[24];
    snprintf(role, sizeof(role), "dept_%s", code);
    char *schema = PQescapeIdentifier(c, role, strlen(role));
    snprintf(sql, sizeof(sql), "SELECT * FROM %s.webhook_claim($1::integer, $2::integer)", schema ? schema : "\"\"");
    PQfreemem(schema);
    snprintf(limit, sizeof(limit), "%d", room);
    snprintf(lease, sizeof(lease), "%lld", (long long)(d->timeout_ms / 1000 + 30));
    const char *params[] = {limit, lease};
    PGresult *res = PQexecParams(c, sql, 2, NULL, params, NULL, NULL, 0);
    int n = PQresultStatus(res) == PGRES_TUPLES_OK ? PQntuples(res) : -1;
    if (!ok(PQexec(c, n >= 0 ? "COMMIT" : "ROLLBACK"), PGRES_COMMAND_OK) || n < 0) {
        if (n < 0)
            dft_log(DFT_LOG_WARN, "webhooks", "%s: claiming failed: %s", code, PQresultErrorMessage(res));
        PQclear(res);
        return PQstatus(c) == CONNECTION_OK ? 0 : -1;
    }
    for (int i = 0; i < n; ++i) {
        if (start(d, multi, code, res, i) != NULL) {
            ++*running;
        } else if (record(d, c, code, PQgetvalue(res, i, 0), 0, "cannot send (secret or client)", 0) != 0) {
            PQclear(res);
            return -1;
        }
    }
    PQclear(res);
    return n;
}

typedef struct pending_t {
    char codes[MAX_PENDING][32];
    size_t n;
} pending_t;

static void pend(pending_t *p, const char *code)
{
    for (size_t i = 0; i < p->n; ++i)
        if (strcmp(p->codes[i], code) == 0)
            return;
    if (p->n < MAX_PENDING && strlen(code) < sizeof(p->codes[0]))
        snprintf(p->codes[p->n++], sizeof(p->codes[0]), "%s", code);
}

static int scan(PGconn *c, pending_t *p)
{
    PGresult *res = PQexec(c, "SELECT * FROM daftar.webhook_due_departments()");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        dft_log(DFT_LOG_WARN, "webhooks", "scan failed: %s", PQresultErrorMessage(res));
        PQclear(res);
        return PQstatus(c) == CONNECTION_OK ? 0 : -1;
    }
    for (int i = 0; i < PQntuples(res); ++i)
        pend(p, PQgetvalue(res, i, 0));
    PQclear(res);
    return 0;
}

static void *run(void *arg)
{
    deliverer_t *d = arg;
    CURLM *multi = curl_multi_init();
    PGconn *c = NULL;
    int running = 0, warned = 0;
    pending_t pending = {0};
    uint64_t rescan_at = 0;
    for (;;) {
        if (c == NULL) {
            c = dft_db_connect_blocking(d->dsn, "daftar-webhooks", "-c statement_timeout=60000", "daftar_webhooks");
            if (c == NULL) {
                if (!warned)
                    dft_log(DFT_LOG_WARN, "webhooks", "cannot connect to the database; retrying");
                warned = 1;
            } else {
                warned = 0;
                rescan_at = 0; /* notices sent while away are lost: look at once */
            }
        }
        if (c != NULL && mono_ms() >= rescan_at) {
            if (scan(c, &pending) != 0)
                goto broken;
            rescan_at = mono_ms() + (uint64_t)d->rescan_ms;
        }
        while (c != NULL && pending.n > 0 && running < MAX_FLIGHT) {
            char code[32];
            snprintf(code, sizeof(code), "%s", pending.codes[--pending.n]);
            int room = MAX_FLIGHT - running;
            int got = claim(d, c, multi, code, room, &running);
            if (got < 0)
                goto broken;
            if (got == room) /* it may have more: after the ones in flight */
                pend(&pending, code);
        }
        int still = 0;
        curl_multi_perform(multi, &still);
        CURLMsg *m;
        int left;
        while ((m = curl_multi_info_read(multi, &left)) != NULL) {
            if (m->msg != CURLMSG_DONE)
                continue;
            xfer_t *x = NULL;
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            long status = 0;
            const char *error = NULL;
            if (m->data.result == CURLE_OK)
                curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
            else if (x->refused)
                error = "refused: the address is not allowed (webhook_allow_hosts)";
            else
                error = curl_easy_strerror(m->data.result);
            if (status >= 200 && status < 300)
                __atomic_add_fetch(&delivered_total, 1, __ATOMIC_RELAXED);
            else
                __atomic_add_fetch(&failed_total, 1, __ATOMIC_RELAXED);
            curl_multi_remove_handle(multi, m->easy_handle);
            --running;
            if (c != NULL && record(d, c, x->code, x->id, status, status ? NULL : error, mono_ms() - x->started_ms) != 0) {
                xfer_free(x);
                goto broken;
            }
            /* a delivery unrecorded for want of a connection is tried again when its lease runs out */
            xfer_free(x);
        }
        /* wait: for a transfer, the database (a NOTIFY), the rescan; at most 1 s while disconnected */
        struct curl_waitfd extra = {.fd = c != NULL ? PQsocket(c) : -1, .events = CURL_WAIT_POLLIN};
        uint64_t now = mono_ms();
        int wait = c == NULL ? 1000 : rescan_at > now ? (int)(rescan_at - now) : 0;
        if (pending.n > 0 && running < MAX_FLIGHT)
            wait = 0;
        curl_multi_poll(multi, extra.fd >= 0 ? &extra : NULL, extra.fd >= 0 ? 1 : 0, wait, NULL);
        if (c != NULL && extra.fd >= 0) {
            if (PQconsumeInput(c) == 0)
                goto broken;
            PGnotify *n;
            while ((n = PQnotifies(c)) != NULL) {
                pend(&pending, n->extra);
                PQfreemem(n);
            }
        }
        if (c == NULL || PQstatus(c) == CONNECTION_OK)
            continue;
    broken:
        dft_log(DFT_LOG_WARN, "webhooks", "lost the database connection; reconnecting");
        PQfinish(c);
        c = NULL;
    }
    return NULL;
}

int dft_webhooks_start(dft_server_t *server, int have_master_key)
{
    const dft_config_t *cf = server->config;
    if (!cf->webhooks)
        return 0;
    if (!have_master_key) {
        dft_log(DFT_LOG_WARN, "webhooks", "no master_key: this server makes no webhook deliveries");
        return 0;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        dft_log(DFT_LOG_ERROR, "webhooks", "cannot start libcurl");
        return -1;
    }
    deliverer_t *d = dft_calloc(1, sizeof(*d));
    d->dsn = dft_strdup(cf->db_dsn);
    d->timeout_ms = cf->webhook_timeout_ms;
    d->max_attempts = cf->webhook_max_attempts;
    d->backoff_ms = cf->webhook_backoff_ms;
    d->rescan_ms = cf->webhook_rescan_ms;
    d->insecure_loopback = (int)cf->webhook_insecure_loopback;
    int rc = dft_thread_start_detached(run, d);
    if (rc != 0) {
        dft_log(DFT_LOG_ERROR, "webhooks", "cannot start the webhooks thread");
        return -1;
    }
    dft_metrics_add_source(render_metrics);
    return 0;
}
