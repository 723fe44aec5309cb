/*
 * timers.c — fires due timers off the event loops.
 *
 * One thread per server, with its own blocking libpq connection as the
 * server's role (db_dsn), so nothing here touches an event-loop thread.
 * Every timers_rescan_ms it asks, in one statement, which active
 * departments have a due timer (an index probe per department), then for
 * each runs dept_<code>.timers_fire(100) as the department's role, for the
 * officer 'timer', in one short transaction per batch, until none is due.
 * Exactly-once comes from the database (FOR UPDATE SKIP LOCKED, the action
 * and the mark in one transaction): any number of servers may run this, and
 * a server killed mid-batch leaves its batch to the others. A broken
 * connection is dropped and made again at the next scan.
 *
 * Every audit_checkpoint_s the same thread anchors each department's audit
 * chain head that moved (lib/tenant/audit.c: a checkpoint MAC'd under a key
 * derived from master_key, recorded in the catalog and logged), so chains
 * are anchored without a cron job; several servers anchoring at once record
 * each head once.
 *
 * Metrics (atomics, read by /metrics): fired, failed, the timers due at the
 * last scan, how late the latest fired timer was, and checkpoints recorded.
 */
#include "timers.h"

#include "../auth/crypto.h"
#include "../core/log.h"
#include "../http/metrics.h"
#include "../tenant/tenant.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t fired_total, failed_total, due_now, late_ms, scans_total, checkpoints_total;

void dft_timers_render_metrics(dft_buf_t *out)
{
    dft_buf_printf(out,
                   "# HELP daftar_timers_fired_total Timers whose action ran and committed, on this server.\n"
                   "# TYPE daftar_timers_fired_total counter\n"
                   "daftar_timers_fired_total %llu\n"
                   "# HELP daftar_timers_failed_total Timer actions that failed (retried with backoff), on this server.\n"
                   "# TYPE daftar_timers_failed_total counter\n"
                   "daftar_timers_failed_total %llu\n"
                   "# HELP daftar_timers_due Departments with timers due at this server's last scan.\n"
                   "# TYPE daftar_timers_due gauge\n"
                   "daftar_timers_due %llu\n"
                   "# HELP daftar_timers_late_seconds How late after its due time the last timer fired.\n"
                   "# TYPE daftar_timers_late_seconds gauge\n"
                   "daftar_timers_late_seconds %.3f\n"
                   "# HELP daftar_timers_scans_total Scans of the departments for due timers.\n"
                   "# TYPE daftar_timers_scans_total counter\n"
                   "daftar_timers_scans_total %llu\n"
                   "# HELP daftar_audit_checkpoints_total Audit chain heads anchored by this server.\n"
                   "# TYPE daftar_audit_checkpoints_total counter\n"
                   "daftar_audit_checkpoints_total %llu\n",
                   (unsigned long long)__atomic_load_n(&fired_total, __ATOMIC_RELAXED),
                   (unsigned long long)__atomic_load_n(&failed_total, __ATOMIC_RELAXED),
                   (unsigned long long)__atomic_load_n(&due_now, __ATOMIC_RELAXED),
                   (double)__atomic_load_n(&late_ms, __ATOMIC_RELAXED) / 1000.0,
                   (unsigned long long)__atomic_load_n(&scans_total, __ATOMIC_RELAXED),
                   (unsigned long long)__atomic_load_n(&checkpoints_total, __ATOMIC_RELAXED));
}

/* The departments with a due timer ("code,code"): daftar.timers_due_departments probes each. */
static const char due_departments[] = "SELECT nullif(daftar.timers_due_departments(), '')";

static const char fire_batch[] =
    "SELECT set_config('role', $1, true), set_config('daftar.officer_uid', 'timer', true),"
    " set_config('daftar.client_addr', '', true), set_config('daftar.request_id', 'timer', true),"
    " set_config('daftar.roles', ',', true), set_config('daftar.clearance', '3', true),"
    " set_config('daftar.otp', 'f', true), set_config('daftar.trusted', 'f', true)";

static int exec_ok(PGresult *res, ExecStatusType want)
{
    int ok = PQresultStatus(res) == want;
    PQclear(res);
    return ok;
}

/* Fires the due timers of one department, a batch a transaction; -1 when the connection failed. */
static int fire_department(PGconn *c, const char *code)
{
    char role[64];
    snprintf(role, sizeof(role), "dept_%s", code);
    char *q = PQescapeIdentifier(c, role, strlen(role));
    dft_buf_t call = {0};
    dft_buf_printf(&call, "SELECT %s.timers_fire(100)", q);
    PQfreemem(q);
    int rc = 0;
    for (int batch = 0; batch < 1000; ++batch) { /* 100,000 timers a scan at most */
        const char *params[] = {role};
        if (!exec_ok(PQexec(c, "BEGIN"), PGRES_COMMAND_OK) ||
            !exec_ok(PQexecParams(c, fire_batch, 1, NULL, params, NULL, NULL, 0), PGRES_TUPLES_OK)) {
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
                  failed = json_integer_value(json_object_get(j, "failed")), due = json_integer_value(json_object_get(j, "due"));
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
        if (fired + failed == 0 || due == 0)
            break;
    }
    dft_buf_dispose(&call);
    return rc;
}

typedef struct timers_t {
    char *dsn;
    int64_t rescan_ms;
    int64_t checkpoint_s; /* 0: no anchoring (or no master_key) */
    unsigned char master[32];
} timers_t;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *run(void *arg)
{
    timers_t *t = arg;
    PGconn *c = NULL;
    int64_t next_checkpoint = now_ms() + t->checkpoint_s * 1000;
    for (;;) {
        if (c == NULL || PQstatus(c) != CONNECTION_OK) {
            PQfinish(c);
            c = PQconnectdb(t->dsn);
            if (PQstatus(c) != CONNECTION_OK) {
                dft_log(DFT_LOG_WARN, "timers", "cannot connect to the database; retrying");
                PQfinish(c);
                c = NULL;
            }
        }
        if (c != NULL) {
            PGresult *res = PQexec(c, due_departments);
            __atomic_add_fetch(&scans_total, 1, __ATOMIC_RELAXED);
            if (PQresultStatus(res) == PGRES_TUPLES_OK) {
                char *list = PQgetisnull(res, 0, 0) ? NULL : dft_strdup(PQgetvalue(res, 0, 0));
                uint64_t n = 0;
                for (char *code = list; code != NULL && *code != '\0';) { /* "fin,home,..." */
                    char *comma = strchr(code, ',');
                    if (comma != NULL)
                        *comma = '\0';
                    ++n;
                    if (fire_department(c, code) != 0)
                        break;
                    code = comma != NULL ? comma + 1 : NULL;
                }
                __atomic_store_n(&due_now, n, __ATOMIC_RELAXED);
                free(list);
            } else {
                dft_log(DFT_LOG_WARN, "timers", "scan failed: %s", PQresultErrorMessage(res));
            }
            PQclear(res);
        }
        if (c != NULL && t->checkpoint_s > 0 && now_ms() >= next_checkpoint) {
            int made = dft_audit_checkpoint(c, t->master, NULL, NULL); /* logs each checkpoint, and what failed */
            if (made > 0)
                __atomic_add_fetch(&checkpoints_total, (uint64_t)made, __ATOMIC_RELAXED);
            next_checkpoint = now_ms() + t->checkpoint_s * 1000;
        }
        struct timespec ts = {(time_t)(t->rescan_ms / 1000), (long)(t->rescan_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
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
    t->checkpoint_s = cf->audit_checkpoint_s;
    if (t->checkpoint_s > 0 && dft_master_key_parse(cf->master_key, t->master) != 0) {
        dft_log(DFT_LOG_WARN, "timers", "no master_key: audit chains are not anchored by this server");
        t->checkpoint_s = 0;
    }
    pthread_t tid;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&tid, &attr, run, t);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        dft_log(DFT_LOG_ERROR, "timers", "cannot start the timers thread");
        return -1;
    }
    dft_metrics_add_source(dft_timers_render_metrics);
    return 0;
}
