/*
 * db.c — per-thread libpq pools in pipeline mode. See db.h for the shape of
 * a job; this file is the machinery:
 *
 *   connections  DOWN -> CONNECTING (PQconnectPoll on the loop) -> READY;
 *                any failure -> DOWN, retried with exponential backoff and
 *                jitter by the thread's 100 ms tick. Jobs in flight on a
 *                connection that fails get 503: their outcome is unknown.
 *   jobs         go to the READY connection with the fewest jobs in flight,
 *                or to their department's own while it is not much busier,
 *                and not behind a job stuck for 20 ms while another can take
 *                them (pick); with none READY they wait (bounded by
 *                db_queue_max and db_wait_ms) if a connection is coming up,
 *                else get 503 at once.
 *   standby      with db_standby_dsn, one more connection per thread, to a
 *                standby: while no connection to the primary is READY and it
 *                is, the thread is read-only (degraded): every job goes to it
 *                in a read-only transaction, so PostgreSQL itself refuses
 *                whatever would write (a change, an audited read of a
 *                confidential file: 25006), which becomes 503 read-only;
 *                responses say `Daftar-Mode: read-only` (lib/http). While
 *                the primary is down and no standby reachable, everything
 *                is 503 unavailable as before. db_dsn may name several
 *                hosts with target_session_attrs=read-write: a failover is a
 *                reconnect, found by libpq, with no change of settings.
 *   clusters     a pool (connections and queue) per PostgreSQL cluster of the
 *                settings: main's (db_dsn: the catalog, the feeds) at start,
 *                another's when a department's job first goes there; a job
 *                goes to its scope's cluster (the registry says which). The
 *                standby and the read-only mode are main's only.
 *   results      arrive in order; each job's results end with its
 *                PGRES_PIPELINE_SYNC, which is when it completes.
 *   statements   prepared lazily per (connection, department, statement) and
 *                remembered in a small hash set; when the set is full the next
 *                job starts with DEALLOCATE ALL and the set starts again, which
 *                bounds server memory however many departments there are.
 *
 * Everything runs on the owning thread; no locks.
 */
#include "db.h"

#include "../core/core.h"
#include "../core/log.h"
#include "../http/problem.h"
#include "sqlfiles.h"
#include "segment.h"

#include <arpa/inet.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MOVING_RETRY_S 5 /* Retry-After of a write refused while its department moves */
#define PREPARED_MAX 4096 /* statements remembered per connection before DEALLOCATE ALL */
#define SETUP_STMT_NAME DFT_DB_SETUP_NAME

int (*dft_db_ready_check)(dft_thread_t *t, const char **why);

static const dft_db_feed_t *feeds[DFT_DB_MAX_FEEDS];
static size_t num_feeds;

/* The clusters of the settings: [0] is main (db_dsn), then `clusters` in order. */
static dft_cluster_t clusters[DFT_MAX_CLUSTERS + 1];
static size_t num_clusters;

int dft_db_cluster_index(const char *name)
{
    for (size_t i = 0; i < num_clusters; ++i)
        if (strcmp(clusters[i].name, name) == 0)
            return (int)i;
    return -1;
}

typedef struct feed_state_t {
    dft_db_t *db;
    size_t index;
    int loading, again, loaded;
    uint64_t retry_at; /* after a failed load; 0 = none due */
} feed_state_t;


typedef enum { CONN_DOWN, CONN_CONNECTING, CONN_SETUP, CONN_READY } conn_state_t;

typedef struct conn_t {
    dft_db_t *db;
    size_t index;
    PGconn *pg;
    h2o_socket_t *sock;
    int sock_fd;
    ino_t sock_ino; /* which socket sock_fd was when it was wrapped (a number libpq closed may come back) */
    int standby;    /* to db_standby_dsn: reads while no primary connection is READY */
    unsigned turn;  /* how far the DSN's host list is turned: one more after each connect timeout */
    conn_state_t state;
    uint64_t deadline, retry_at;
    unsigned failures;
    h2o_linklist_t inflight;
    size_t num_inflight;
    uint64_t head_since; /* loop time (ms) since which the oldest job in flight has been the oldest */
    uint64_t *prepared; /* open addressing; 0 = empty slot, keys are stored +1 */
    size_t prepared_count;
    int deallocate_next;
} conn_t;

/* A thread's pool for one cluster. t->db is the pool of "main" (db_dsn): the catalog,
 * the feeds and their LISTENs are there; it holds the thread's pools of the other
 * clusters (config `clusters`), each made when a job first needs it. */
struct dft_db_t {
    dft_thread_t *thread;
    const dft_config_t *config;
    const char *dsn;
    size_t cluster;           /* 0 = main */
    dft_db_t **pools;         /* main only: [cluster], NULL until first used; [0] = itself */
    conn_t *conns;
    size_t num_conns;   /* all of them: num_primary to db_dsn, then the standby's if configured */
    size_t num_primary;
    h2o_linklist_t waiting;
    size_t num_waiting;
    h2o_timeout_t tick_timeout;
    h2o_timeout_entry_t tick;
    feed_state_t feed_state[DFT_DB_MAX_FEEDS];
};

static void feeds_reload_all(dft_db_t *db);
static void feed_notify(dft_db_t *db, const char *channel, const char *payload);
static void feed_load(feed_state_t *fs);

/* A Parse sent in this segment. The statement counts as prepared from the
 * moment it is sent (later jobs in the pipe may use it); if its result is not
 * a success, the connection's cache is dropped (DEALLOCATE ALL before the next
 * job) and a job that raced it fails with 26000, which is retried once. */
typedef struct mark_t {
    int step, confirmed;
    uint64_t key;
} mark_t;

struct dft_db_job_t {
    h2o_linklist_t link;
    dft_db_t *db;
    dft_req_t *req; /* NULL once the request is gone, and for internal jobs */
    dft_db_cb cb;
    void *ctx;
    int mode, stmt, retried, is_setup, internal;
    uint32_t dept_id;
    const char *role, *schema, *uid, *request_id, *client, *clearance, *roles, *otp, *trusted, *dept;
    int nparams, binary_result;
    const char *params[DFT_DB_MAX_PARAMS];
    dft_db_blob_t blob; /* index -1: none */
    uint64_t enqueued_at;
    /* the Sync segment in flight */
    int step, step_done, main_step, num_marks; /* statements sent / finished in this segment */
    mark_t marks[2];
    PGresult *main, *error;
};

/* ------------------------------------------------------------ statements */

typedef struct stmt_t {
    const char *name, *text;
    int is_dept, custom_plan;
} stmt_t;

/* Plans. A connection prepares each statement once per department it
 * serves, and PostgreSQL's default plans the first five executions of a
 * prepared statement afresh: with 1,000 departments over a few connections
 * most executions were among those five (bench/: read-file over 1,000
 * departments at 0.64 of over 10; 0.85 with generic plans). So sessions use
 * generic plans, and a statement whose shape depends on its parameters'
 * values (`$2 = '' OR status = $2`, `CASE $1 ...`: only a plan for the
 * actual values can use an index) says `-- plan: custom` in its file and
 * gets custom plans in its own transaction. */
static const char session_sql[] = DFT_DB_SESSION_SQL;
static const char custom_plan_sql[] = "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)";

static stmt_t *stmts;
static size_t num_stmts;
static const char setup_sql[] = DFT_DB_SETUP_SQL;
#define SETUP_PARAMS DFT_DB_SETUP_PARAMS

static void load_statements(void)
{
    if (stmts != NULL)
        return;
    stmts = dft_calloc(dft_num_sql_files, sizeof(*stmts));
    for (size_t i = 0; i < dft_num_sql_files; ++i) {
        if (strcmp(dft_sql_files[i].group, "queries") != 0)
            continue;
        const char *text = dft_sql_files[i].text;
        stmts[num_stmts++] = (stmt_t){dft_sql_files[i].name, text, strstr(text, "{schema}") != NULL,
                                      strstr(text, "\n-- plan: custom\n") != NULL};
    }
}

static int find_stmt(const char *name)
{
    size_t lo = 0, hi = num_stmts;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(stmts[mid].name, name);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

const char *dft_db_statement_text(const char *name)
{
    load_statements();
    int i = find_stmt(name);
    return i < 0 ? NULL : stmts[i].text;
}

/* The statement's text with every {schema} replaced by the quoted schema name. */
static char *instantiate(const stmt_t *st, const char *schema)
{
    dft_buf_t b = {0};
    const char *p = st->text, *hit;
    while ((hit = strstr(p, "{schema}")) != NULL) {
        dft_buf_append(&b, p, (size_t)(hit - p));
        dft_buf_puts(&b, "\"");
        dft_buf_puts(&b, schema); /* registry guarantees ^dept_[a-z][a-z0-9_]*$ */
        dft_buf_puts(&b, "\"");
        p = hit + 8;
    }
    dft_buf_puts(&b, p);
    return b.data;
}

/* -------------------------------------------------------- prepared cache */

static uint64_t prep_key(uint32_t dept_id, int stmt)
{
    return ((uint64_t)dept_id << 20 | (uint64_t)(stmt + 1)) + 1; /* stmt -1 = setup; +1 keeps 0 for empty */
}

static size_t prep_slot(const conn_t *c, uint64_t key)
{
    size_t cap = PREPARED_MAX * 2, i = (size_t)(key * 0x9E3779B97F4A7C15ull) & (cap - 1);
    while (c->prepared[i] != 0 && c->prepared[i] != key)
        i = (i + 1) & (cap - 1);
    return i;
}

static int prep_has(const conn_t *c, uint64_t key)
{
    return c->prepared[prep_slot(c, key)] == key;
}

static void prep_add(conn_t *c, uint64_t key)
{
    size_t i = prep_slot(c, key);
    if (c->prepared[i] == key)
        return;
    c->prepared[i] = key;
    if (++c->prepared_count >= PREPARED_MAX)
        c->deallocate_next = 1;
}

static void prep_clear(conn_t *c)
{
    memset(c->prepared, 0, sizeof(uint64_t) * PREPARED_MAX * 2);
    c->prepared_count = 0;
}

static void stmt_name(char *buf, size_t size, uint32_t dept_id, int stmt)
{
    snprintf(buf, size, "q%d_%u", stmt, dept_id);
}

/* ----------------------------------------------------------- sqlstates */

dft_code_t dft_db_code_for_sqlstate(const char *s, int *retryable)
{
    static const struct {
        const char *prefix;
        dft_code_t code;
        int retry;
    } table[] = {
        {"23505", DFT_E_CONFLICT, 0},      {"23503", DFT_E_UNPROCESSABLE, 0}, {"23514", DFT_E_UNPROCESSABLE, 0},
        {"23502", DFT_E_INVALID, 0},       {"23P01", DFT_E_CONFLICT, 0},      {"22", DFT_E_INVALID, 0},
        {"42501", DFT_E_FORBIDDEN, 0},     {"40001", DFT_E_UNAVAILABLE, 1},   {"40P01", DFT_E_UNAVAILABLE, 1},   {"26000", DFT_E_INTERNAL, 1},
        {"57014", DFT_E_UNAVAILABLE, 0},   {"57P", DFT_E_UNAVAILABLE, 0},     {"08", DFT_E_UNAVAILABLE, 0},
        {"53", DFT_E_UNAVAILABLE, 0},      {"55P03", DFT_E_CONFLICT, 0},      {"DF403", DFT_E_FORBIDDEN, 0},
        {"DF404", DFT_E_NOT_FOUND, 0},     {"DF409", DFT_E_CONFLICT, 0},      {"DF412", DFT_E_PRECONDITION_FAILED, 0},
        {"DF422", DFT_E_UNPROCESSABLE, 0}, {"DF428", DFT_E_PRECONDITION_REQUIRED, 0},
    };
    if (retryable != NULL)
        *retryable = 0;
    if (s == NULL)
        return DFT_E_UNAVAILABLE; /* no SQLSTATE: the connection broke */
    for (size_t i = 0; i < DFT_ARRAY_SIZE(table); ++i)
        if (strncmp(s, table[i].prefix, strlen(table[i].prefix)) == 0) {
            if (retryable != NULL)
                *retryable = table[i].retry;
            return table[i].code;
        }
    return DFT_E_INTERNAL;
}

/* --------------------------------------------------------------- jobs */

/* A change while no primary is reachable: its refusal (lib/http/problem.c has the Hindi). */
#define READ_ONLY "read-only"
#define READ_ONLY_RETRY_S 5
static const char read_only_detail[] = "daftar is read-only for now: no primary database is reachable. Reads still work; "
                                       "send this change again in a few seconds.";

static void dispatch(dft_db_t *db);
static void conn_fail(conn_t *c, const char *why);
static void update_mode(dft_db_t *db);

static void job_free(dft_db_job_t *job)
{
    if (job->main != NULL)
        PQclear(job->main);
    if (job->error != NULL)
        PQclear(job->error);
    free(job);
}

static void job_detach(void *p)
{
    ((dft_db_job_t *)p)->req = NULL;
}

/* Completes a job: error or value to the callback, then frees it. */
static void job_finish(dft_db_job_t *job, dft_code_t code, const char *detail, const char *refusal)
{
    dft_db_reply_t reply = {.err = {.code = code, .detail = detail, .refusal = refusal}};
    if (code == DFT_OK && job->main != NULL) {
        reply.rows = PQntuples(job->main);
        reply.res = job->main;
        if (reply.rows > 0 && PQnfields(job->main) > 0 && !PQgetisnull(job->main, 0, 0)) {
            reply.value = PQgetvalue(job->main, 0, 0);
            reply.len = (size_t)PQgetlength(job->main, 0, 0);
        }
    }
    if (code == DFT_E_UNAVAILABLE)
        reply.err.retry_after = refusal != NULL && strcmp(refusal, READ_ONLY) == 0 ? READ_ONLY_RETRY_S : 1;
    if (job->req != NULL) {
        job->req->pending = NULL;
        job->cb(job->ctx, &reply);
    } else if (job->internal) {
        job->cb(job->ctx, &reply);
    } /* else the client went away: nobody to tell */
    job_free(job);
}

static void job_reset_segment(dft_db_job_t *job)
{
    if (job->main != NULL)
        PQclear(job->main);
    if (job->error != NULL)
        PQclear(job->error);
    job->main = job->error = NULL;
    job->step = job->step_done = job->num_marks = 0;
    job->main_step = -1;
}

/* Called at the job's PIPELINE_SYNC. */
static void job_done(conn_t *c, dft_db_job_t *job)
{
    if (job->is_setup) {
        if (job->error != NULL) {
            job_free(job);
            conn_fail(c, "connection setup failed");
            return;
        }
        job_free(job);
        c->state = CONN_READY;
        c->failures = 0;
        dft_log(DFT_LOG_INFO, "db", "thread %zu cluster %s connection %zu%s ready", c->db->thread->index,
                clusters[c->db->cluster].name, c->index, c->standby ? " (standby)" : "");
        update_mode(c->db);
        if (c->db->cluster == 0)
            feeds_reload_all(c->db);
        return;
    }
    for (int i = 0; i < job->num_marks; ++i)
        if (!job->marks[i].confirmed)
            c->deallocate_next = 1; /* a Parse did not happen: forget what this connection has */
    if (job->error == NULL) {
        job_finish(job, DFT_OK, NULL, NULL);
        return;
    }
    const char *state = PQresultErrorField(job->error, PG_DIAG_SQLSTATE);
    /* on the standby: a change, or a read that writes (audited); 55000 is what recovery refuses
     * before a read-only transaction would (an advisory lock, a transaction id) */
    if (c->standby && state != NULL && (strcmp(state, "25006") == 0 || strcmp(state, "55000") == 0)) {
        job_finish(job, DFT_E_UNAVAILABLE, read_only_detail, READ_ONLY);
        return;
    }
    int retry;
    dft_code_t code = dft_db_code_for_sqlstate(state, &retry);
    if (retry && !job->retried) {
        job->retried = 1;
        job_reset_segment(job);
        h2o_linklist_insert(&c->db->waiting, &job->link);
        ++c->db->num_waiting;
        return;
    }
    const char *msg = PQresultErrorField(job->error, PG_DIAG_MESSAGE_PRIMARY);
    if (code == DFT_E_FORBIDDEN && strcmp(state, "42501") == 0)
        dft_log(DFT_LOG_ERROR, "db_privilege_alarm", "request %s: statement %s refused by PostgreSQL (42501): %s",
                job->request_id, job->stmt >= 0 ? stmts[job->stmt].name : "setup", msg ? msg : "");
    else if (code == DFT_E_INTERNAL || code == DFT_E_UNAVAILABLE)
        dft_log(DFT_LOG_ERROR, "db_error", "request %s: statement %s: SQLSTATE %s: %s", job->request_id,
                job->stmt >= 0 ? stmts[job->stmt].name : "setup", state ? state : "-", msg ? msg : "");
    /* Our own DFxxx errors carry a message written for clients (sql/queries); others never reach them. */
    const char *detail = state != NULL && strncmp(state, "DF", 2) == 0 ? msg : NULL, *refusal = NULL;
    if (detail != NULL) {
        /* the result is freed with the job: copy the text where the request can keep it */
        detail = job->req != NULL ? h2o_strdup(&job->req->h2o->pool, detail, SIZE_MAX).base : NULL;
        /* a refusal of its own: RAISE ... USING HINT = '<slug>' names its problem type */
        const char *hint = PQresultErrorField(job->error, PG_DIAG_MESSAGE_HINT);
        if (hint != NULL && (refusal = dft_problem_refusal(hint)) == NULL)
            dft_log(DFT_LOG_WARN, "db_error", "request %s: statement %s: unknown refusal '%.64s'", job->request_id,
                    job->stmt >= 0 ? stmts[job->stmt].name : "setup", hint);
    }
    job_finish(job, code, detail, refusal);
}

/* A job sent on c joins its pipeline's tail. */
static void inflight_add(conn_t *c, dft_db_job_t *job)
{
    if (c->num_inflight++ == 0)
        c->head_since = h2o_now(c->db->thread->ctx.loop);
    h2o_linklist_insert(&c->inflight, &job->link);
}

/* Puts the job's Sync segment into libpq's buffer; 0 or -1 (connection broken). */
static int job_send(conn_t *c, dft_db_job_t *job)
{
    PGconn *pg = c->pg;
    char name[32];
    job_reset_segment(job);
    if (job->is_setup) {
        if (!PQsendQueryParams(pg, session_sql, 0, NULL, NULL, NULL, NULL, 0))
            return -1;
        ++job->step;
        for (size_t i = 0; i < num_feeds; ++i) {
            if (c->standby || (feeds[i]->one_connection && c->index != 0) || c->db->cluster != 0)
                continue; /* a standby cannot LISTEN; the catalog's notices come from main */
            char *q = PQescapeIdentifier(pg, feeds[i]->channel, strlen(feeds[i]->channel)), sql[128];
            if (q == NULL)
                return -1;
            snprintf(sql, sizeof(sql), "LISTEN %s", q);
            PQfreemem(q);
            if (!PQsendQueryParams(pg, sql, 0, NULL, NULL, NULL, NULL, 0))
                return -1;
            ++job->step;
        }
        return PQpipelineSync(pg) ? 0 : -1;
    }
    if (c->deallocate_next) {
        if (!PQsendQueryParams(pg, "DEALLOCATE ALL", 0, NULL, NULL, NULL, NULL, 0))
            return -1;
        ++job->step;
        prep_clear(c);
        c->deallocate_next = 0;
    }
    uint64_t skey = prep_key(0, -1);
    if (!prep_has(c, skey)) {
        if (!PQsendPrepare(pg, SETUP_STMT_NAME, setup_sql, SETUP_PARAMS, NULL))
            return -1;
        job->marks[job->num_marks++] = (mark_t){job->step++, 0, skey};
        prep_add(c, skey);
    }
    /* a standby refuses read-write transactions outright: there every job is read-only */
    const char *setup_params[SETUP_PARAMS] = {job->role ? job->role : "none",
                                              job->mode == DFT_DB_READ || c->standby ? "on" : "off",
                                              job->uid, job->request_id, job->client, job->clearance, job->roles,
                                              job->otp, job->trusted, job->dept};
    if (!PQsendQueryPrepared(pg, SETUP_STMT_NAME, SETUP_PARAMS, setup_params, NULL, NULL, 0))
        return -1;
    ++job->step;
    const stmt_t *st = &stmts[job->stmt];
    if (st->custom_plan) {
        if (!PQsendQueryParams(pg, custom_plan_sql, 0, NULL, NULL, NULL, NULL, 0))
            return -1;
        ++job->step;
    }
    uint32_t dept = st->is_dept ? job->dept_id : 0;
    uint64_t key = prep_key(dept, job->stmt);
    stmt_name(name, sizeof(name), dept, job->stmt);
    if (!prep_has(c, key)) {
        char *text = st->is_dept ? instantiate(st, job->schema) : NULL;
        int ok = PQsendPrepare(pg, name, text ? text : st->text, 0, NULL);
        free(text);
        if (!ok)
            return -1;
        job->marks[job->num_marks++] = (mark_t){job->step++, 0, key};
        prep_add(c, key);
    }
    int lengths[DFT_DB_MAX_PARAMS] = {0}, formats[DFT_DB_MAX_PARAMS] = {0};
    const char *values[DFT_DB_MAX_PARAMS];
    memcpy(values, job->params, sizeof(values));
    if (job->blob.index >= 0) {
        values[job->blob.index] = job->blob.data;
        lengths[job->blob.index] = (int)job->blob.len;
        formats[job->blob.index] = 1;
    }
    if (!PQsendQueryPrepared(pg, name, job->nparams, values, job->blob.index >= 0 ? lengths : NULL,
                             job->blob.index >= 0 ? formats : NULL, job->binary_result))
        return -1;
    job->main_step = job->step++;
    return PQpipelineSync(pg) ? 0 : -1;
}

/* ---------------------------------------------------------- connections */

static void on_readable(h2o_socket_t *sock, const char *err);
static void on_writable(h2o_socket_t *sock, const char *err);
static void connect_step(conn_t *c);

static void flush(conn_t *c)
{
    int r = PQflush(c->pg);
    if (r < 0) {
        conn_fail(c, "flush failed");
        return;
    }
    if (r == 1 && !h2o_socket_is_writing(c->sock))
        h2o_socket_notify_write(c->sock, on_writable);
}

static void release_socket(conn_t *c)
{
    if (c->sock != NULL) {
        h2o_socket_read_stop(c->sock);
        h2o_socket_close(c->sock);
        c->sock = NULL;
    }
    c->sock_fd = -1;
}

/* Makes sure the h2o socket watches libpq's current fd (it changes when a
 * multi-host connection string moves on to the next host). */
static int watch_socket(conn_t *c)
{
    int fd = PQsocket(c->pg);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        return -1;
    /* the number alone is not enough: libpq closes the last host's socket before opening the
     * next, which usually gets the same number, while our dup keeps the old one open */
    if (c->sock != NULL && c->sock_fd == fd && c->sock_ino == st.st_ino)
        return 0;
    release_socket(c);
    c->sock_ino = st.st_ino;
    int dupfd = dup(fd);
    if (dupfd < 0)
        return -1;
    c->sock = h2o_evloop_socket_create(c->db->thread->ctx.loop, dupfd, H2O_SOCKET_FLAG_DONT_READ);
    c->sock->data = c;
    c->sock_fd = fd;
    return 0;
}

static void conn_fail(conn_t *c, const char *why)
{
    dft_db_t *db = c->db;
    if (c->state != CONN_DOWN)
        dft_log(DFT_LOG_WARN, "db", "thread %zu connection %zu down: %s", db->thread->index, c->index, why);
    release_socket(c);
    if (c->pg != NULL) {
        PQfinish(c->pg);
        c->pg = NULL;
    }
    c->state = CONN_DOWN;
    prep_clear(c);
    c->deallocate_next = 0;
    uint64_t delay = 100u << (c->failures < 6 ? c->failures : 6);
    if (delay > 5000)
        delay = 5000;
    unsigned char rnd;
    RAND_bytes(&rnd, 1);
    c->retry_at = h2o_now(db->thread->ctx.loop) + delay + delay * rnd / 512; /* + up to 50% jitter */
    ++c->failures;
    /* jobs in flight: their outcome is unknown to us, so the client must retry */
    while (!h2o_linklist_is_empty(&c->inflight)) {
        dft_db_job_t *job = H2O_STRUCT_FROM_MEMBER(dft_db_job_t, link, c->inflight.next);
        h2o_linklist_unlink(&job->link);
        if (job->is_setup)
            job_free(job);
        else
            job_finish(job, DFT_E_UNAVAILABLE, "The database is not reachable; retry shortly.", NULL);
    }
    c->num_inflight = 0;
    update_mode(db);
}

/* libpq would print server notices and connection errors on stderr; they
 * may quote data, so they go to the debug log only. */
static void on_notice(void *arg, const char *message)
{
    conn_t *c = arg;
    dft_log(DFT_LOG_DEBUG, "db_notice", "thread %zu connection %zu: %s", c->db->thread->index, c->index, message);
}

/* The comma-separated list turned by k ("a,b,c" by 1: "b,c,a"), or NULL when that is itself. */
static char *turn_list(const char *list, unsigned k)
{
    size_t n = 1;
    for (const char *p = list; p != NULL && *p != '\0'; ++p)
        n += *p == ',';
    if (list == NULL || (k %= (unsigned)n) == 0)
        return NULL;
    const char *p = list;
    for (unsigned i = 0; i < k; ++i)
        p = strchr(p, ',') + 1;
    dft_buf_t b = {0};
    dft_buf_puts(&b, p);
    dft_buf_puts(&b, ",");
    dft_buf_append(&b, list, (size_t)(p - 1 - list));
    return b.data;
}

static void conn_start(conn_t *c)
{
    dft_db_t *db = c->db;
    const char *dsn = c->standby ? db->config->db_standby_dsn : db->dsn;
    char opts[64];
    snprintf(opts, sizeof(opts), "-c statement_timeout=%lld", (long long)db->config->db_statement_timeout_ms);
    /* keepalives: a database host that vanishes without a reset is noticed in seconds, not hours */
    const char *keys[12] = {"dbname", "options", "application_name", "keepalives", "keepalives_idle",
                            "keepalives_interval", "keepalives_count", "tcp_user_timeout", NULL};
    const char *vals[12] = {dsn, opts, c->standby ? "daftar-standby" : "daftar", "1", "10", "3", "3", "15000", NULL};
    /* Several hosts: libpq tries them in order and moves on by itself when one refuses or is not
     * what target_session_attrs asks for, but a host that does not answer at all (a machine gone)
     * holds the attempt until our deadline; the next attempt then starts at the next host.
     * (A later keyword overrides what the expanded dbname said.) */
    static const char *const lists[] = {"host", "hostaddr", "port"};
    char *turned[3] = {NULL, NULL, NULL};
    PQconninfoOption *info = c->turn != 0 ? PQconninfoParse(dsn, NULL) : NULL;
    size_t nk = 8;
    for (PQconninfoOption *o = info; o != NULL && o->keyword != NULL; ++o)
        for (size_t j = 0; j < 3; ++j)
            if (strcmp(o->keyword, lists[j]) == 0 && (turned[j] = turn_list(o->val, c->turn)) != NULL) {
                keys[nk] = lists[j];
                vals[nk++] = turned[j];
            }
    keys[nk] = vals[nk] = NULL;
    c->pg = PQconnectStartParams(keys, vals, 1);
    PQconninfoFree(info);
    for (size_t j = 0; j < 3; ++j)
        free(turned[j]);
    if (c->pg == NULL || PQstatus(c->pg) == CONNECTION_BAD) {
        conn_fail(c, "cannot start connecting");
        return;
    }
    PQsetNoticeProcessor(c->pg, on_notice, c);
    c->state = CONN_CONNECTING;
    c->deadline = h2o_now(db->thread->ctx.loop) + (uint64_t)db->config->db_connect_timeout_ms;
    connect_step(c);
}

static void connect_step(conn_t *c)
{
    PostgresPollingStatusType st = PQconnectPoll(c->pg);
    if (st == PGRES_POLLING_FAILED) {
        conn_fail(c, "connection refused or authentication failed");
        return;
    }
    if (watch_socket(c) != 0) {
        conn_fail(c, "no socket");
        return;
    }
    if (st == PGRES_POLLING_READING) {
        h2o_socket_read_start(c->sock, on_readable);
    } else if (st == PGRES_POLLING_WRITING) {
        h2o_socket_read_stop(c->sock);
        if (!h2o_socket_is_writing(c->sock))
            h2o_socket_notify_write(c->sock, on_writable);
    } else if (st == PGRES_POLLING_OK) {
        if (PQsetnonblocking(c->pg, 1) != 0 || PQenterPipelineMode(c->pg) != 1) {
            conn_fail(c, "cannot enter pipeline mode");
            return;
        }
        c->state = CONN_SETUP;
        h2o_socket_read_start(c->sock, on_readable);
        dft_db_job_t *setup = dft_calloc(1, sizeof(*setup));
        setup->db = c->db;
        setup->is_setup = 1;
        setup->stmt = -1;
        if (job_send(c, setup) != 0) {
            job_free(setup);
            conn_fail(c, "cannot send setup");
            return;
        }
        inflight_add(c, setup);
        flush(c);
    }
}

static void on_writable(h2o_socket_t *sock, const char *err)
{
    conn_t *c = sock->data;
    if (err != NULL) {
        conn_fail(c, "socket error");
        return;
    }
    if (c->state == CONN_CONNECTING)
        connect_step(c);
    else
        flush(c);
}

static void read_results(conn_t *c)
{
    while (!h2o_linklist_is_empty(&c->inflight) && !PQisBusy(c->pg)) {
        dft_db_job_t *job = H2O_STRUCT_FROM_MEMBER(dft_db_job_t, link, c->inflight.next);
        PGresult *res = PQgetResult(c->pg);
        if (res == NULL) { /* end of one statement's results */
            ++job->step_done;
            continue;
        }
        ExecStatusType s = PQresultStatus(res);
        if (s == PGRES_PIPELINE_SYNC) {
            PQclear(res);
            h2o_linklist_unlink(&job->link);
            --c->num_inflight;
            c->head_since = h2o_now(c->db->thread->ctx.loop); /* the next one, if any, is the oldest now */
            job_done(c, job);
            if (c->state == CONN_DOWN)
                return;
            continue;
        }
        if (s == PGRES_FATAL_ERROR) {
            if (job->error == NULL)
                job->error = res;
            else
                PQclear(res);
            continue;
        }
        if (s == PGRES_PIPELINE_ABORTED) {
            PQclear(res);
            continue;
        }
        int at = job->step_done, kept = 0;
        for (int i = 0; i < job->num_marks; ++i)
            if (job->marks[i].step == at && s == PGRES_COMMAND_OK)
                job->marks[i].confirmed = 1;
        if (at == job->main_step && job->main == NULL) {
            job->main = res;
            kept = 1;
        }
        if (!kept)
            PQclear(res);
    }
}

static void on_readable(h2o_socket_t *sock, const char *err)
{
    conn_t *c = sock->data;
    if (err != NULL) {
        conn_fail(c, "socket closed");
        return;
    }
    if (c->state == CONN_CONNECTING) {
        connect_step(c);
        return;
    }
    if (!PQconsumeInput(c->pg)) {
        conn_fail(c, "connection lost");
        return;
    }
    read_results(c);
    if (c->state == CONN_DOWN)
        return;
    PGnotify *n;
    while ((n = PQnotifies(c->pg)) != NULL) {
        feed_notify(c->db, n->relname, n->extra);
        PQfreemem(n);
    }
    if (PQstatus(c->pg) == CONNECTION_BAD) {
        conn_fail(c, "connection lost");
        return;
    }
    dispatch(c->db);
}

/* ------------------------------------------------------------- dispatch */

/* Which connection takes a job: the least busy that can take one, except
 * that a department's jobs keep to the department's own connection (its id
 * modulo the connections) while that one has at most AFFINITY_SLACK more in
 * flight than the least busy. A connection then serves, and its PostgreSQL
 * backend keeps hot the catalog entries and plans of, mostly a share of
 * the departments; a busy department still spreads (bench/, 1,000
 * departments in use, 4 alternating pairs: 12,070 -> 12,660 req/s; over 10
 * departments 14,700 -> 14,900). What spreads stays prepared: after a
 * minute of load over 1,000 departments each backend held plans for most of
 * them (116-129 MB of memory contexts each; 53-98 MB with a slack of 16,
 * whose throughput was the same within the noise).
 *
 * A pipeline answers in order, so a job sent behind one that waits (a
 * commit on a slow WAL flush, a lock, a long report) waits as long. A
 * connection whose oldest job has been the oldest for HEAD_STALL_MS takes
 * new jobs only when every connection that could take one is in the same
 * state. (A read takes well under 1 ms; at full load over 1,000
 * departments 8 in 200,000 picks met such a connection.) */
#define AFFINITY_SLACK 4
#define HEAD_STALL_MS 20

static int stalled(const conn_t *c, uint64_t now)
{
    return c->num_inflight != 0 && now - c->head_since >= HEAD_STALL_MS;
}

/* A connection to the primary is READY. */
static int primary_up(const dft_db_t *db)
{
    for (size_t i = 0; i < db->num_primary; ++i)
        if (db->conns[i].state == CONN_READY)
            return 1;
    return 0;
}

/* Degraded read-only mode: the standby's connection is READY and no primary one is. Called
 * whenever a connection comes up or goes down; the thread's flag is what lib/http reads. */
static void update_mode(dft_db_t *db)
{
    if (db->cluster != 0)
        return; /* the mode is main's: the catalog's primary and its standby */
    int ro = db->num_conns > db->num_primary && db->conns[db->num_primary].state == CONN_READY && !primary_up(db);
    if (ro == db->thread->read_only)
        return;
    db->thread->read_only = ro;
    if (ro)
        dft_log(DFT_LOG_WARN, "db_mode", "thread %zu read-only: no primary reachable, reads go to the standby",
                db->thread->index);
    else
        dft_log(DFT_LOG_INFO, "db_mode", "thread %zu read-write", db->thread->index);
}

static conn_t *pick(dft_db_t *db, uint32_t dept)
{
    conn_t *best = NULL;
    int best_stalled = 0;
    size_t depth = (size_t)db->config->db_pipeline_depth;
    uint64_t now = h2o_now(db->thread->ctx.loop);
    if (db->thread->read_only && db->num_conns > db->num_primary) { /* main's standby takes everything, read-only */
        conn_t *s = &db->conns[db->num_primary];
        return s->num_inflight < depth ? s : NULL;
    }
    for (size_t i = 0; i < db->num_primary; ++i) {
        conn_t *c = &db->conns[i];
        if (c->state != CONN_READY || c->num_inflight >= depth)
            continue;
        int s = stalled(c, now);
        if (best == NULL || s < best_stalled || (s == best_stalled && c->num_inflight < best->num_inflight)) {
            best = c;
            best_stalled = s;
        }
    }
    if (best != NULL && dept != 0) {
        conn_t *home = &db->conns[dept % db->num_primary];
        if (home->state == CONN_READY && home->num_inflight < depth &&
            home->num_inflight <= best->num_inflight + AFFINITY_SLACK && stalled(home, now) <= best_stalled)
            return home;
    }
    return best;
}

static int coming_up(const dft_db_t *db)
{
    for (size_t i = 0; i < db->num_conns; ++i)
        if (db->conns[i].state != CONN_DOWN)
            return 1;
    return 0;
}

static void dispatch(dft_db_t *db)
{
    int sent = 0;
    while (!h2o_linklist_is_empty(&db->waiting)) {
        dft_db_job_t *job = H2O_STRUCT_FROM_MEMBER(dft_db_job_t, link, db->waiting.next);
        conn_t *c = pick(db, job->dept_id);
        if (c == NULL)
            break;
        h2o_linklist_unlink(&job->link);
        --db->num_waiting;
        if (job->req == NULL && !job->internal) { /* the client left while it waited */
            job_free(job);
            continue;
        }
        if (job_send(c, job) != 0) {
            h2o_linklist_insert(&db->waiting, &job->link); /* back to the queue's tail; the connection is gone */
            ++db->num_waiting;
            conn_fail(c, "send failed");
            continue;
        }
        inflight_add(c, job);
        sent = 1;
    }
    /* PQpipelineSync already sent what fit in the socket; flush the rest (a no-op when nothing is left) */
    for (size_t i = 0; sent && i < db->num_conns; ++i)
        if (db->conns[i].state == CONN_READY)
            flush(&db->conns[i]);
}

static void pool_tick(dft_db_t *db);

static void on_tick(h2o_timeout_entry_t *entry)
{
    dft_db_t *db = H2O_STRUCT_FROM_MEMBER(dft_db_t, tick, entry);
    for (size_t k = 0; k < num_clusters; ++k)
        if (db->pools[k] != NULL)
            pool_tick(db->pools[k]);
    if (!db->thread->done)
        h2o_timeout_link(db->thread->ctx.loop, &db->tick_timeout, &db->tick);
}

static void pool_tick(dft_db_t *db)
{
    uint64_t now = h2o_now(db->thread->ctx.loop);
    for (size_t i = 0; i < db->num_conns; ++i) {
        conn_t *c = &db->conns[i];
        if (c->state == CONN_DOWN && now >= c->retry_at && !db->thread->done)
            conn_start(c);
        else if ((c->state == CONN_CONNECTING || c->state == CONN_SETUP) && now >= c->deadline) {
            ++c->turn; /* the host that did not answer goes last next time */
            conn_fail(c, "connect timeout");
        }
    }
    for (size_t i = 0; i < num_feeds && db->cluster == 0; ++i)
        if (db->feed_state[i].retry_at != 0 && now >= db->feed_state[i].retry_at && pick(db, 0) != NULL)
            feed_load(&db->feed_state[i]);
    /* waiting too long, or nothing left that could serve them */
    int any = coming_up(db);
    h2o_linklist_t *node = db->waiting.next;
    while (node != &db->waiting) {
        dft_db_job_t *job = H2O_STRUCT_FROM_MEMBER(dft_db_job_t, link, node);
        node = node->next;
        if (!any || now - job->enqueued_at >= (uint64_t)db->config->db_wait_ms) {
            h2o_linklist_unlink(&job->link);
            --db->num_waiting;
            job_finish(job, DFT_E_UNAVAILABLE, "The database is busy or unreachable; retry shortly.", NULL);
        }
    }
    dispatch(db);
}

/* ------------------------------------------------------------- public */

static dft_db_t *pool_of(dft_db_t *main, size_t cluster);

static void enqueue(dft_thread_t *t, dft_req_t *r, int attach, const dft_db_scope_t *scope, int mode, const char *stmt,
                    const char *const *params, int nparams, const dft_db_blob_t *blob, int binary_result, dft_db_cb cb,
                    void *ctx)
{
    dft_db_t *db = t->db;
    if (db != NULL && scope != NULL && scope->cluster != 0)
        db = scope->cluster < num_clusters ? pool_of(db, scope->cluster) : NULL; /* an unknown cluster: 503 */
    int si = find_stmt(stmt);
    if (si < 0)
        dft_fatal("unknown statement %s", stmt); /* a programmer error, caught by any test of the route */
    assert(nparams <= DFT_DB_MAX_PARAMS);
    assert(!stmts[si].is_dept || (scope != NULL && scope->role != NULL));

    const char *client = r != NULL ? r->client_addr : "";
    const char *clearance = r != NULL ? r->session.clearance : "-1", *roles = r != NULL ? r->session.roles : ",";
    const char *otp = r != NULL ? r->session.otp : "f", *trusted = r != NULL ? r->session.trusted : "f";
    const char *dept = r != NULL ? r->session.dept : "";
    const char *rid = r != NULL ? r->request_id : "";
    const char *uid = r != NULL && r->officer_uid != NULL ? r->officer_uid : "";
    const char *role = scope != NULL ? scope->role : NULL, *schema = scope != NULL ? scope->schema : NULL;

    /* one allocation: the job, then every string it needs */
    size_t extra = strlen(client) + strlen(rid) + strlen(uid) + 3 + strlen(clearance) + strlen(roles) + strlen(otp) +
                   strlen(trusted) + strlen(dept) + 5 + (role ? strlen(role) + 1 : 0) +
                   (schema ? strlen(schema) + 1 : 0);
    for (int i = 0; i < nparams; ++i)
        extra += params[i] && !(blob && blob->index == i) ? strlen(params[i]) + 1 : 0;
    dft_db_job_t *job = dft_calloc(1, sizeof(*job) + extra);
    char *p = (char *)(job + 1);
#define COPY(dst, src)                                                                                                 \
    do {                                                                                                               \
        size_t l_ = strlen(src) + 1;                                                                                   \
        memcpy(p, src, l_);                                                                                            \
        dst = p;                                                                                                       \
        p += l_;                                                                                                       \
    } while (0)
    COPY(job->client, client);
    COPY(job->request_id, rid);
    COPY(job->uid, uid);
    COPY(job->clearance, clearance);
    COPY(job->roles, roles);
    COPY(job->otp, otp);
    COPY(job->trusted, trusted);
    COPY(job->dept, dept);
    if (role != NULL)
        COPY(job->role, role);
    if (schema != NULL)
        COPY(job->schema, schema);
    for (int i = 0; i < nparams; ++i)
        if (params[i] != NULL && !(blob && blob->index == i))
            COPY(job->params[i], params[i]);
#undef COPY
    job->db = db;
    job->req = attach ? r : NULL;
    job->cb = cb;
    job->ctx = ctx;
    job->mode = mode;
    job->stmt = si;
    job->dept_id = scope != NULL ? scope->dept_id : 0;
    job->nparams = nparams;
    job->blob = blob ? *blob : (dft_db_blob_t){.index = -1};
    job->binary_result = binary_result;
    job->enqueued_at = h2o_now(t->ctx.loop);
    job->main_step = -1;
    job->internal = !attach; /* the callback always runs */

    /* A department on its way to another cluster (`daftar dept move`): what is written now
     * might not be copied, so a change waits for the switch; reads go on from the source. */
    if (scope != NULL && scope->read_only && mode == DFT_DB_WRITE) {
        job->req = NULL;
        dft_db_reply_t reply = {.err = {.code = DFT_E_UNAVAILABLE, .refusal = "department-moving", .retry_after = MOVING_RETRY_S,
                                        .detail = "This department is being moved to another database cluster and is "
                                                  "read-only for a short while. Reads still work; send this change again "
                                                  "in a few seconds."}};
        cb(ctx, &reply);
        job_free(job);
        return;
    }
    /* requests are bounded by db_queue_max; internal jobs (feeds) are few by construction */
    int full = r != NULL && db != NULL && db->num_waiting >= (size_t)db->config->db_queue_max;
    if (db == NULL || !coming_up(db) || full) {
        if (full)
            dft_log(DFT_LOG_WARN, "db", "thread %zu queue full (%zu)", t->index, db->num_waiting);
        job->req = NULL;
        dft_db_reply_t reply = {.err = {.code = DFT_E_UNAVAILABLE, .detail = "The database is busy or unreachable; retry shortly.",
                                        .retry_after = 1}};
        cb(ctx, &reply);
        job_free(job);
        return;
    }
    if (attach) {
        r->pending = job;
        r->detach = job_detach;
    }
    h2o_linklist_insert(&db->waiting, &job->link);
    ++db->num_waiting;
    dispatch(db);
}

void dft_db_run(dft_req_t *r, const dft_db_scope_t *scope, int mode, const char *stmt, const char *const *params,
                int nparams, dft_db_cb cb, void *ctx)
{
    enqueue(r->thread, r, 1, scope, mode, stmt, params, nparams, NULL, 0, cb, ctx);
}

void dft_db_run_ext(dft_req_t *r, int attach, const dft_db_scope_t *scope, int mode, const char *stmt,
                    const char *const *params, int nparams, const dft_db_blob_t *blob, int binary_result, dft_db_cb cb,
                    void *ctx)
{
    enqueue(r->thread, r, attach, scope, mode, stmt, params, nparams, blob, binary_result, cb, ctx);
}

void dft_db_run_for(dft_req_t *r, const dft_db_scope_t *scope, int mode, const char *stmt, const char *const *params,
                    int nparams, dft_db_cb cb, void *ctx)
{
    enqueue(r->thread, r, 0, scope, mode, stmt, params, nparams, NULL, 0, cb, ctx);
}

void dft_db_run_internal(dft_thread_t *t, const dft_db_scope_t *scope, int mode, const char *stmt,
                         const char *const *params, int nparams, dft_db_cb cb, void *ctx)
{
    enqueue(t, NULL, 0, scope, mode, stmt, params, nparams, NULL, 0, cb, ctx);
}

const char *dft_db_reply_field(const dft_db_reply_t *reply, int col, size_t *len)
{
    const PGresult *res = reply->res;
    if (res == NULL || PQntuples(res) < 1 || col >= PQnfields(res) || PQgetisnull(res, 0, col))
        return NULL;
    if (len != NULL)
        *len = (size_t)PQgetlength(res, 0, col);
    return PQgetvalue(res, 0, col);
}

static void respond_cb(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else if (reply->value == NULL)
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such resource.");
    else
        dft_respond_json(r, 200, reply->value, reply->len);
}

void dft_db_respond(dft_req_t *r, const dft_db_scope_t *scope, int mode, const char *stmt, const char *const *params,
                    int nparams)
{
    dft_db_run(r, scope, mode, stmt, params, nparams, respond_cb, r);
}

/* ------------------------------------------------------- thread hooks */

static dft_db_t *pool_new(dft_thread_t *t, size_t cluster)
{
    dft_db_t *db = dft_calloc(1, sizeof(*db));
    db->thread = t;
    db->config = t->server->config;
    db->cluster = cluster;
    db->dsn = clusters[cluster].dsn;
    db->num_primary = (size_t)db->config->db_connections;
    db->num_conns = db->num_primary + (cluster == 0 && db->config->db_standby_dsn[0] != '\0'); /* main's standby only */
    db->conns = dft_calloc(db->num_conns, sizeof(conn_t));
    h2o_linklist_init_anchor(&db->waiting);
    for (size_t i = 0; i < num_feeds; ++i)
        db->feed_state[i] = (feed_state_t){.db = db, .index = i};
    for (size_t i = 0; i < db->num_conns; ++i) {
        conn_t *c = &db->conns[i];
        c->db = db;
        c->index = i;
        c->standby = i >= db->num_primary;
        c->sock_fd = -1;
        c->prepared = dft_calloc(PREPARED_MAX * 2, sizeof(uint64_t));
        h2o_linklist_init_anchor(&c->inflight);
    }
    for (size_t i = 0; i < db->num_conns; ++i)
        conn_start(&db->conns[i]);
    return db;
}

static dft_db_t *pool_of(dft_db_t *main, size_t cluster)
{
    if (main->pools[cluster] == NULL && !main->thread->done)
        __atomic_store_n(&main->pools[cluster], pool_new(main->thread, cluster), __ATOMIC_RELEASE);
    return main->pools[cluster];
}

static void on_thread_start(dft_thread_t *t)
{
    dft_db_t *db = pool_new(t, 0);
    db->pools = dft_calloc(num_clusters, sizeof(*db->pools));
    db->pools[0] = db;
    t->db = db;
    h2o_timeout_init(t->ctx.loop, &db->tick_timeout, 100);
    db->tick.cb = on_tick;
    h2o_timeout_link(t->ctx.loop, &db->tick_timeout, &db->tick);
}

static void pool_close(dft_db_t *db)
{
    for (size_t i = 0; i < db->num_conns; ++i) {
        conn_t *c = &db->conns[i];
        c->state = CONN_DOWN; /* no log line for a deliberate close */
        c->failures = 0;
        conn_fail(c, "shutdown");
        free(c->prepared);
    }
}

static void on_thread_drained(dft_thread_t *t)
{
    dft_db_t *db = t->db;
    if (db == NULL)
        return;
    h2o_timeout_unlink(&db->tick);
    for (size_t k = 0; k < num_clusters; ++k)
        if (db->pools[k] != NULL)
            pool_close(db->pools[k]);
}

static size_t queue_depth(dft_thread_t *t)
{
    dft_db_t *db = t->db;
    size_t n = 0;
    for (size_t k = 0; db != NULL && k < num_clusters; ++k) {
        dft_db_t *p = __atomic_load_n(&db->pools[k], __ATOMIC_ACQUIRE);
        n += p != NULL ? __atomic_load_n(&p->num_waiting, __ATOMIC_RELAXED) : 0;
    }
    return n;
}

static int ready(dft_thread_t *t, const char **why)
{
    dft_db_t *db = t->db;
    int up = 0;
    for (size_t i = 0; db != NULL && i < db->num_conns; ++i)
        up |= db->conns[i].state == CONN_READY;
    if (!up) {
        *why = "database not reachable";
        return 0;
    }
    for (size_t i = 0; i < num_feeds; ++i)
        if (!db->feed_state[i].loaded) {
            *why = "catalog data not loaded yet";
            return 0;
        }
    return dft_db_ready_check != NULL ? dft_db_ready_check(t, why) : 1;
}

/* ---------------------------------------------------------------- feeds */

void dft_db_add_feed(const dft_db_feed_t *feed)
{
    if (num_feeds == DFT_DB_MAX_FEEDS)
        dft_fatal("too many feeds");
    feeds[num_feeds++] = feed;
}

static void feed_load(feed_state_t *fs);

static void on_feed_loaded(void *ctx, const dft_db_reply_t *reply)
{
    feed_state_t *fs = ctx;
    dft_thread_t *t = fs->db->thread;
    fs->loading = 0;
    if (reply->err.code == DFT_OK && reply->value != NULL && feeds[fs->index]->apply(t, reply->value, reply->len) == 0) {
        fs->loaded = 1;
    } else {
        dft_log(DFT_LOG_WARN, "feed", "thread %zu: cannot load %s (retrying in a second)", t->index, feeds[fs->index]->stmt);
        fs->retry_at = h2o_now(t->ctx.loop) + 1000;
        return;
    }
    if (fs->again && !t->done) {
        fs->again = 0;
        feed_load(fs);
    }
}

static void feed_load(feed_state_t *fs)
{
    if (feeds[fs->index]->notified != NULL) { /* nothing to load: what the thread holds may be stale */
        feeds[fs->index]->notified(fs->db->thread, NULL);
        fs->loaded = 1;
        return;
    }
    if (fs->loading) {
        fs->again = 1;
        return;
    }
    fs->loading = 1;
    fs->retry_at = 0;
    dft_db_run_internal(fs->db->thread, NULL, DFT_DB_READ, feeds[fs->index]->stmt, NULL, 0, on_feed_loaded, fs);
}

static void feeds_reload_all(dft_db_t *db)
{
    for (size_t i = 0; i < num_feeds; ++i)
        feed_load(&db->feed_state[i]);
}

static void feed_notify(dft_db_t *db, const char *channel, const char *payload)
{
    for (size_t i = 0; i < num_feeds; ++i)
        if (strcmp(feeds[i]->channel, channel) != 0)
            continue;
        else if (feeds[i]->notified != NULL)
            feeds[i]->notified(db->thread, payload);
        else
            feed_load(&db->feed_state[i]);
}

void dft_db_attach(dft_server_t *server)
{
    load_statements();
    if (server->config->db_dsn[0] == '\0')
        return;
    char err[200];
    snprintf(clusters[0].name, sizeof(clusters[0].name), "main");
    clusters[0].dsn = server->config->db_dsn;
    int n = dft_clusters_parse(server->config->clusters, clusters + 1, DFT_MAX_CLUSTERS, err, sizeof(err));
    if (n < 0)
        dft_fatal("%s", err);
    num_clusters = 1 + (size_t)n;
    server->hooks.on_start = on_thread_start;
    server->hooks.on_drained = on_thread_drained;
    server->hooks.queue_depth = queue_depth;
    server->hooks.ready = ready;
}

static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    dft_log(DFT_LOG_DEBUG, "db_notice", "%s", message);
}

PGconn *dft_db_connect_blocking(const char *dsn, const char *application_name, const char *options, const char *channel)
{
    const char *keys[] = {"dbname", "options", "application_name", "connect_timeout", "keepalives", "keepalives_idle",
                          "keepalives_interval", "keepalives_count", "tcp_user_timeout", NULL};
    const char *vals[] = {dsn, options, application_name, "10", "1", "10", "3", "3", "15000", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(c) != CONNECTION_OK) {
        PQfinish(c);
        return NULL;
    }
    /* libpq's default prints notices, and a server's FATAL at a crash, raw on stderr (the log) */
    PQsetNoticeProcessor(c, quiet_notice, NULL);
    if (channel != NULL) {
        char *q = PQescapeIdentifier(c, channel, strlen(channel));
        char sql[128];
        snprintf(sql, sizeof(sql), "LISTEN %s", q ? q : "\"\"");
        PQfreemem(q);
        PGresult *res = PQexec(c, sql);
        int good = PQresultStatus(res) == PGRES_COMMAND_OK;
        PQclear(res);
        if (!good) {
            PQfinish(c);
            return NULL;
        }
    }
    return c;
}
