/*
 * timers.c — fires due timers off the event loops.
 *
 * One thread per server, with its own blocking libpq connection as the
 * server's role (db_dsn), so nothing here touches an event-loop thread.
 * A scan asks, in one statement, which active departments have timers due
 * and how many (daftar.timers_due_departments: an index probe per
 * department), then for each runs dept_<code>.timers_fire(50) as the
 * department's role, for the officer 'timer', in one short transaction per
 * batch, until none is due. Exactly-once comes from the database (FOR
 * UPDATE SKIP LOCKED, the action and the mark in one transaction): any
 * number of servers may run this, and a server killed mid-batch leaves its
 * batch to the others.
 *
 * When to scan: as soon as a timer is due, and every timers_rescan_ms.
 * The scan's probe also says when the first timer due within the next 10
 * minutes will be (a retry's backoff too); and the thread LISTENs on
 * daftar_timers, on which timer_set NOTIFYs (at commit) the due time of a
 * timer due within those 10 minutes. It sleeps in poll() on its connection
 * until the earliest of those, its next rescan and its next checkpoint. So
 * a timer fires on time whatever the rescan interval (at most 10 minutes):
 * the rescan is the safety net for what no scan saw coming and no
 * notification announced (a timer written without timer_set, a
 * notification lost while the connection was down is covered by the scan
 * made at once on reconnecting). A notification says nothing but a time; a forged one only
 * brings a scan forward. A broken connection is dropped and made again,
 * and the thread scans at once after connecting (notifications sent while
 * it was away are lost; the timers are not).
 *
 * Every audit_checkpoint_s the same thread anchors each department's audit
 * chain head that moved (lib/tenant/audit.c: a checkpoint MAC'd under a key
 * derived from master_key, recorded in the catalog and logged), so chains
 * are anchored without a cron job; several servers anchoring at once record
 * each head once. Every minute (or idempotency_ttl_s, when shorter) it
 * removes the Idempotency-Keys kept longer than idempotency_ttl_s
 * (daftar.idempotency_expire: one DELETE in the catalog's one store).
 *
 * Metrics (atomics, read by /metrics): fired, failed, the timers and
 * departments due at the last scan, how long its probe took, how late the
 * latest fired timer was, and checkpoints recorded.
 */
#include "timers.h"

#include "../auth/crypto.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/metrics.h"
#include "../tenant/tenant.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Timers claimed a transaction: under 64, PostgreSQL's cache of subtransaction
 * xids (each action runs in one; more would overflow every concurrent snapshot). */
#define BATCH 50
/* After a notified due time, this much later: the database's clock may run a little behind ours. */
#define SLACK_MS 20
/* How far ahead a scan looks for the next timer: the longest timers_rescan_ms, so that a timer
 * set further ahead (not notified) is seen coming by a scan before it is due, and fires on time. */
#define HORIZON_MS 600000

static uint64_t fired_total, failed_total, due_now, due_departments, late_ms, scan_us, scans_total, checkpoints_total;

void dft_timers_render_metrics(dft_buf_t *out)
{
    dft_buf_printf(out,
                   "# HELP daftar_timers_fired_total Timers whose action ran and committed, on this server.\n"
                   "# TYPE daftar_timers_fired_total counter\n"
                   "daftar_timers_fired_total %llu\n"
                   "# HELP daftar_timers_failed_total Timer actions that failed (retried with backoff), on this server.\n"
                   "# TYPE daftar_timers_failed_total counter\n"
                   "daftar_timers_failed_total %llu\n"
                   "# HELP daftar_timers_due Timers due at this server's last scan (at most 100,000 a department counted).\n"
                   "# TYPE daftar_timers_due gauge\n"
                   "daftar_timers_due %llu\n"
                   "# HELP daftar_timers_due_departments Departments with timers due at this server's last scan.\n"
                   "# TYPE daftar_timers_due_departments gauge\n"
                   "daftar_timers_due_departments %llu\n"
                   "# HELP daftar_timers_late_seconds How late after its due time the last timer fired.\n"
                   "# TYPE daftar_timers_late_seconds gauge\n"
                   "daftar_timers_late_seconds %.3f\n"
                   "# HELP daftar_timers_scan_seconds How long the last scan took to find the departments with timers due.\n"
                   "# TYPE daftar_timers_scan_seconds gauge\n"
                   "daftar_timers_scan_seconds %.6f\n"
                   "# HELP daftar_timers_scans_total Scans of the departments for due timers.\n"
                   "# TYPE daftar_timers_scans_total counter\n"
                   "daftar_timers_scans_total %llu\n"
                   "# HELP daftar_audit_checkpoints_total Audit chain heads anchored by this server.\n"
                   "# TYPE daftar_audit_checkpoints_total counter\n"
                   "daftar_audit_checkpoints_total %llu\n",
                   (unsigned long long)__atomic_load_n(&fired_total, __ATOMIC_RELAXED),
                   (unsigned long long)__atomic_load_n(&failed_total, __ATOMIC_RELAXED),
                   (unsigned long long)__atomic_load_n(&due_now, __ATOMIC_RELAXED),
                   (unsigned long long)__atomic_load_n(&due_departments, __ATOMIC_RELAXED),
                   (double)__atomic_load_n(&late_ms, __ATOMIC_RELAXED) / 1000.0,
                   (double)__atomic_load_n(&scan_us, __ATOMIC_RELAXED) / 1e6,
                   (unsigned long long)__atomic_load_n(&scans_total, __ATOMIC_RELAXED),
                   (unsigned long long)__atomic_load_n(&checkpoints_total, __ATOMIC_RELAXED));
}

static const char due_query[] =
    "SELECT code, due, next_in FROM daftar.timers_due_departments(make_interval(secs => $1::double precision / 1000))";

static const char fire_batch[] =
    "SELECT set_config('role', $1, true), set_config('daftar.officer_uid', 'timer', true),"
    " set_config('daftar.client_addr', '', true), set_config('daftar.request_id', 'timer', true),"
    " set_config('daftar.roles', ',', true), set_config('daftar.clearance', '3', true),"
    " set_config('daftar.otp', 'f', true), set_config('daftar.trusted', 'f', true), set_config('daftar.dept', $2, true)";

static int exec_ok(PGresult *res, ExecStatusType want)
{
    int ok = PQresultStatus(res) == want;
    PQclear(res);
    return ok;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Fires the due timers of one department, a batch a transaction; -1 when the connection failed. */
static int fire_department(PGconn *c, const char *code)
{
    char role[64];
    if (strncmp(code, "state:", 6) == 0) /* a statewide scope's timers: role state_<name>, no department */
        snprintf(role, sizeof(role), "state_%s", code + 6);
    else
        snprintf(role, sizeof(role), "dept_%s", code);
    char *q = PQescapeIdentifier(c, role, strlen(role));
    dft_buf_t call = {0};
    dft_buf_printf(&call, "SELECT %s.timers_fire(%d)", q, BATCH);
    PQfreemem(q);
    int rc = 0;
    for (int batch = 0; batch < 2000; ++batch) { /* 100,000 timers a scan at most */
        const char *params[] = {role, strncmp(code, "state:", 6) == 0 ? "" : code};
        if (!exec_ok(PQexec(c, "BEGIN"), PGRES_COMMAND_OK) ||
            !exec_ok(PQexecParams(c, fire_batch, 2, NULL, params, NULL, NULL, 0), PGRES_TUPLES_OK)) {
            rc = -1;
            break;
        }
        PGresult *res = PQexec(c, call.data);
        if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
            dft_log(DFT_LOG_ERROR, "timers", "%s: firing failed: %s", code, PQresultErrorMessage(res));
            PQclear(res);
            exec_ok(PQexec(c, "ROLLBACK"), PGRES_COMMAND_OK);
            rc = PQstatus(c) == CONNECTION_OK ? 0 : -1;
            break;
        }
        json_t *j = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
        long long fired = json_integer_value(json_object_get(j, "fired")),
                  failed = json_integer_value(json_object_get(j, "failed"));
        int more = json_is_true(json_object_get(j, "more"));
        double late = json_number_value(json_object_get(j, "late_seconds"));
        json_decref(j);
        PQclear(res);
        if (!exec_ok(PQexec(c, "COMMIT"), PGRES_COMMAND_OK)) {
            rc = -1;
            break;
        }
        __atomic_add_fetch(&fired_total, (uint64_t)fired, __ATOMIC_RELAXED);
        __atomic_add_fetch(&failed_total, (uint64_t)failed, __ATOMIC_RELAXED);
        if (fired > 0)
            __atomic_store_n(&late_ms, (uint64_t)(late * 1000), __ATOMIC_RELAXED);
        if (fired + failed == 0 || !more) /* nothing left, or the rest is held by another server */
            break;
    }
    dft_buf_dispose(&call);
    return rc;
}

/* One scan: which departments have timers due, then each one's firing; *next_due becomes when the
 * first timer due within HORIZON_MS that was not due yet will be. -1 when the connection failed. */
static int scan(PGconn *c, int64_t *next_due)
{
    char within[24];
    snprintf(within, sizeof(within), "%d", HORIZON_MS);
    const char *params[] = {within};
    int64_t t0 = now_us();
    PGresult *res = PQexecParams(c, due_query, 1, NULL, params, NULL, NULL, 0);
    int64_t probed = now_ms();
    __atomic_store_n(&scan_us, (uint64_t)(now_us() - t0), __ATOMIC_RELAXED);
    __atomic_add_fetch(&scans_total, 1, __ATOMIC_RELAXED);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQnfields(res) != 3) {
        dft_log(DFT_LOG_WARN, "timers", "scan failed: %s", PQresultErrorMessage(res));
        PQclear(res);
        return PQstatus(c) == CONNECTION_OK ? 0 : -1;
    }
    uint64_t due = 0, departments = 0;
    for (int i = 0; i < PQntuples(res); ++i) {
        int64_t n = 0;
        const char *v = PQgetvalue(res, i, 1);
        if (dft_parse_int64(v, strlen(v), 0, INT64_MAX, &n) == 0 && n > 0) {
            due += (uint64_t)n;
            ++departments;
        }
        if (!PQgetisnull(res, i, 2)) {
            double in_ms = strtod(PQgetvalue(res, i, 2), NULL) * 1000.0 + SLACK_MS;
            int64_t at = probed + (in_ms <= 0 ? 0 : in_ms < HORIZON_MS ? (int64_t)in_ms : HORIZON_MS);
            if (at < *next_due)
                *next_due = at;
        }
    }
    __atomic_store_n(&due_now, due, __ATOMIC_RELAXED);
    __atomic_store_n(&due_departments, departments, __ATOMIC_RELAXED);
    int rc = 0;
    for (int i = 0; i < PQntuples(res) && rc == 0; ++i)
        if (strcmp(PQgetvalue(res, i, 1), "0") != 0)
            rc = fire_department(c, PQgetvalue(res, i, 0));
    PQclear(res);
    return rc;
}

/* Brings *wake forward to the earliest due time notified (Unix seconds, from timer_set). */
static void take_notifies(PGconn *c, int64_t *wake)
{
    PGnotify *n;
    while ((n = PQnotifies(c)) != NULL) {
        char *end = NULL;
        double due = strtod(n->extra, &end);
        int64_t at = now_ms(); /* unreadable: scan now, which is all a notification can ask */
        if (end != n->extra && *end == '\0' && isfinite(due)) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            double in_ms = due * 1000.0 - ((double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6) + SLACK_MS;
            if (in_ms > 0)
                at += in_ms < 3600000.0 ? (int64_t)in_ms : 3600000;
        }
        if (at < *wake)
            *wake = at;
        PQfreemem(n);
    }
}

typedef struct timers_t {
    char *dsn;
    int64_t rescan_ms;
    int64_t statement_timeout_ms;
    int64_t checkpoint_s; /* 0: no anchoring (or no master_key) */
    int64_t idempotency_ttl_s, expire_ms; /* keys kept this long; removed this often */
    int64_t events_retention_days; /* read by timer_events_purge (sql/scoped/functions/) */
    unsigned char master[32];
} timers_t;

/* A connection that listens on daftar_timers, or NULL: a timeout on every statement, and the events'
 * retention for timer_events_purge (sql/scoped/functions/). */
static PGconn *connect_listening(const timers_t *t)
{
    char opts[128];
    snprintf(opts, sizeof(opts), "-c statement_timeout=%lld -c daftar.events_retention_days=%lld",
             (long long)t->statement_timeout_ms, (long long)t->events_retention_days);
    return dft_db_connect_blocking(t->dsn, "daftar-timers", opts, "daftar_timers");
}

/* Removes the Idempotency-Keys kept longer than ttl_s; a failure is logged and tried again next time. */
static void expire_keys(PGconn *c, int64_t ttl_s)
{
    char ttl[24];
    snprintf(ttl, sizeof(ttl), "%lld", (long long)ttl_s);
    const char *params[] = {ttl};
    if (!exec_ok(PQexecParams(c, "SELECT daftar.idempotency_expire($1::integer)", 1, NULL, params, NULL, NULL, 0),
                 PGRES_TUPLES_OK))
        dft_log(DFT_LOG_WARN, "timers", "removing expired Idempotency-Keys failed");
}

static int64_t earliest(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

static void *run(void *arg)
{
    timers_t *t = arg;
    PGconn *c = NULL;
    /* when to scan: the rescan, the next timer the last scan saw coming, the earliest notified */
    int64_t next_scan = 0, next_due = INT64_MAX, notified = INT64_MAX;
    int64_t next_checkpoint = now_ms() + t->checkpoint_s * 1000, next_expiry = 0;
    int warned = 0;
    for (;;) {
        if (c == NULL) {
            c = connect_listening(t);
            if (c == NULL) {
                if (!warned)
                    dft_log(DFT_LOG_WARN, "timers", "cannot connect to the database; retrying");
                warned = 1;
                int64_t ms = t->rescan_ms < 5000 ? t->rescan_ms : 5000;
                struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
                nanosleep(&ts, NULL);
                continue;
            }
            warned = 0;
            next_scan = 0; /* what was notified while we were away */
        }
        if (now_ms() >= earliest(next_scan, earliest(next_due, notified))) {
            /* the timers of the notifications read so far committed before this scan's probe: it sees them */
            take_notifies(c, &notified);
            next_scan = now_ms() + t->rescan_ms;
            next_due = notified = INT64_MAX;
            if (scan(c, &next_due) != 0)
                goto broken;
        }
        if (t->checkpoint_s > 0 && now_ms() >= next_checkpoint) {
            int made = dft_audit_checkpoint(c, t->master, NULL, NULL); /* logs each checkpoint, and what failed */
            if (made > 0)
                __atomic_add_fetch(&checkpoints_total, (uint64_t)made, __ATOMIC_RELAXED);
            next_checkpoint = now_ms() + t->checkpoint_s * 1000;
        }
        if (now_ms() >= next_expiry) {
            expire_keys(c, t->idempotency_ttl_s);
            next_expiry = now_ms() + t->expire_ms;
        }
        take_notifies(c, &notified); /* those that came in with the replies */
        int64_t wake = earliest(next_scan, earliest(earliest(next_due, notified), next_expiry));
        if (t->checkpoint_s > 0)
            wake = earliest(wake, next_checkpoint);
        int64_t wait = wake - now_ms();
        if (wait > 0) {
            struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};
            if (p.fd < 0 || (poll(&p, 1, wait < INT_MAX ? (int)wait : INT_MAX) > 0 && PQconsumeInput(c) == 0))
                goto broken;
            take_notifies(c, &notified);
        }
        if (PQstatus(c) == CONNECTION_OK)
            continue;
    broken:
        dft_log(DFT_LOG_WARN, "timers", "lost the database connection; reconnecting");
        PQfinish(c);
        c = NULL;
    }
    return NULL;
}

int dft_timers_start(dft_server_t *server)
{
    const dft_config_t *cf = server->config;
    if (!cf->timers)
        return 0;
    timers_t *t = dft_calloc(1, sizeof(*t));
    t->dsn = dft_strdup(cf->db_dsn);
    t->rescan_ms = cf->timers_rescan_ms;
    t->statement_timeout_ms = 60000; /* a batch of slow actions, or a checkpoint of every department */
    t->checkpoint_s = cf->audit_checkpoint_s;
    t->idempotency_ttl_s = cf->idempotency_ttl_s;
    t->expire_ms = cf->idempotency_ttl_s < 60 ? cf->idempotency_ttl_s * 1000 : 60000;
    t->events_retention_days = cf->events_retention_days;
    if (t->checkpoint_s > 0 && dft_master_key_parse(cf->master_key, t->master) != 0) {
        dft_log(DFT_LOG_WARN, "timers", "no master_key: audit chains are not anchored by this server");
        t->checkpoint_s = 0;
    }
    int rc = dft_thread_start_detached(run, t);
    if (rc != 0) {
        dft_log(DFT_LOG_ERROR, "timers", "cannot start the timers thread");
        return -1;
    }
    dft_metrics_add_source(dft_timers_render_metrics);
    return 0;
}
