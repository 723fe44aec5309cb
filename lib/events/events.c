/*
 * events.c — GET /v1/me/events: an officer's live events as Server-Sent
 * Events over HTTP/2 and HTTP/1.1 (issue 22), streamed by the event loop with
 * h2o_start_response + h2o_send and a generator; nothing here blocks.
 *
 * Source. Each department and statewide scope has an events outbox written
 * in the transaction of the change (event_publish, sql/scoped/functions/),
 * each event naming its audience: the officers its family's rule says may
 * see its subject. n grows in commit order within a scope. At commit
 * PostgreSQL NOTIFYs daftar_events with "<schema> <n>" and nothing else.
 *
 * Fan-out. Each event-loop thread LISTENs on its first database connection
 * (a feed with one_connection). On a notice it reads the scope's events
 * after the last n it has seen (events_after, one read in flight a scope, a
 * notice meanwhile runs one more after it) and hands each to the thread's
 * streams whose officer is in its audience; nothing reaches any other stream
 * (tests/api/test_events.py: an outsider's stream never carries it). A
 * thread with no stream only notes the n. When the connection comes back
 * after a failure, every scope it knows is read again from its last n.
 *
 * Resume. Each event's SSE id is the stream's whole position: "<since ms>"
 * then "~<schema>.<n>" for each scope it has delivered from. With
 * Last-Event-ID the stream first replays, scope by scope (the officer's
 * departments, every statewide scope and any the id names), the officer's
 * events after that n (events_replay; for a scope the id does not name, the
 * events since the id's time less 5 s), a page at a time and the next page
 * only once the reader has taken the last. Live events meanwhile are held
 * (within the buffer bound) and sent after it, those a page already carried
 * skipped: no gap, no duplicate. Without Last-Event-ID a stream starts at
 * the thread's last n of each scope and first sends an id-only message, so
 * that a client's EventSource resumes from there.
 *
 * Bounds. Whatever waits for a reader (text not yet taken by h2o, and held
 * live events) is at most events_buffer_bytes a stream; one more event and
 * the stream is cut off (HTTP/2 RST_STREAM, HTTP/1.1 close) and counted,
 * while the others go on. What h2o holds of a stream (one write, taken from
 * that bound) stays until the peer reads or the watchdog closes the idle
 * connection. A heartbeat comment every events_heartbeat_ms (half of
 * idle_timeout_ms when that is shorter) keeps proxies
 * and the watchdog from closing a quiet stream. A stream ends when its
 * access token expires (the client reconnects with a new one and
 * Last-Event-ID) and when the server drains. events_max_streams bounds the
 * server's streams (503 beyond). Service accounts get webhooks instead.
 */
#include "events.h"
#include "events_internal.h"

#include "../auth/auth.h"
#include "../auth/crypto.h"
#include "../core/core.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/metrics.h"
#include "../tenant/tenant.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CURSOR 32       /* scopes a stream's position names */
#define REPLAY_LIMIT 500    /* events_replay's page */
#define FETCH_LIMIT 200     /* events_after's page */
#define SINCE_SLACK_MS 5000 /* a scope the id does not name: events since the id's time less this */
#define TICK_MS 1000 /* or the heartbeat interval when shorter */

typedef struct cursor_t {
    char schema[40];
    int64_t n;
} cursor_t;

/* What a thread has read of one scope's outbox. Allocated once, never moved: jobs point at it. */
typedef struct scope_state_t {
    struct ethread_t *et;
    char schema[40];
    int64_t last_n;
    int fetching, again, failed;
} scope_state_t;

/* A live event that came while its stream was replaying. */
typedef struct held_t {
    struct held_t *next;
    char schema[40];
    int64_t n;
    char *type, *json;
} held_t;

typedef struct ethread_t {
    dft_thread_t *t;
    h2o_linklist_t streams;
    size_t num_streams;
    scope_state_t **scopes;
    size_t num_scopes, cap_scopes;
    h2o_timeout_t tick_timeout;
    h2o_timeout_entry_t tick;
    uint64_t heartbeat_at;
    /* streams to end (FINAL, or ERROR when cut), ended from a callback of their own so that no
     * h2o_send that may release a request runs under a loop over streams */
    h2o_linklist_t closing;
    h2o_timeout_t now_timeout;
    h2o_timeout_entry_t closer;
} ethread_t;

typedef struct stream_t {
    h2o_generator_t super; /* first */
    h2o_linklist_t link;   /* in ethread_t::streams while live events may reach it */
    h2o_linklist_t close_link; /* in ethread_t::closing until its end is sent */
    ethread_t *et;
    dft_req_t *r;
    char uid[24];
    int64_t exp;
    int64_t since_ms;
    cursor_t cursor[MAX_CURSOR];
    size_t num_cursor;
    dft_buf_t out, sending; /* waiting for h2o; handed to h2o (until proceed) */
    size_t held_bytes;
    held_t *held, **held_tail;
    /* replay: the scopes still to read, one query at a time */
    char (*replay)[40];
    size_t num_replay, replay_i;
    unsigned started : 1, busy : 1, ending : 1, cut : 1, done : 1, replaying : 1, querying : 1;
} stream_t;

static ethread_t *threads;
static const dft_config_t *config;
static int64_t heartbeat_ms; /* events_heartbeat_ms, below idle_timeout_ms */
static uint64_t streams_open, delivered_total, cut_total, opened_total;

static void tick_arm(ethread_t *et);
static void on_tick(h2o_timeout_entry_t *entry);
static void on_closer(h2o_timeout_entry_t *entry);
static ethread_t *ethread(dft_thread_t *t);

/* ------------------------------------------------------------- metrics */

static void render_metrics(dft_buf_t *out)
{
    dft_buf_printf(out,
                   "# HELP daftar_event_streams Open event streams (GET /v1/me/events) on this server.\n"
                   "# TYPE daftar_event_streams gauge\n"
                   "daftar_event_streams %llu\n"
                   "# HELP daftar_event_streams_opened_total Event streams opened on this server.\n"
                   "# TYPE daftar_event_streams_opened_total counter\n"
                   "daftar_event_streams_opened_total %llu\n"
                   "# HELP daftar_events_delivered_total Events written to event streams (replays included).\n"
                   "# TYPE daftar_events_delivered_total counter\n"
                   "daftar_events_delivered_total %llu\n"
                   "# HELP daftar_event_streams_cut_total Streams cut off: their reader fell events_buffer_bytes behind.\n"
                   "# TYPE daftar_event_streams_cut_total counter\n"
                   "daftar_event_streams_cut_total %llu\n",
                   (unsigned long long)__atomic_load_n(&streams_open, __ATOMIC_RELAXED),
                   (unsigned long long)__atomic_load_n(&opened_total, __ATOMIC_RELAXED),
                   (unsigned long long)__atomic_load_n(&delivered_total, __ATOMIC_RELAXED),
                   (unsigned long long)__atomic_load_n(&cut_total, __ATOMIC_RELAXED));
}

/* ------------------------------------------------------------ positions */

static int schema_valid(const char *s, size_t len)
{
    if (len < 6 || len >= sizeof(((cursor_t *)0)->schema) ||
        !(strncmp(s, "dept_", 5) == 0 || (len > 6 && strncmp(s, "state_", 6) == 0)))
        return 0;
    for (size_t i = 0; i < len; ++i)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

/* Digits only, at most 18 of them (fits int64_t); -1 when not. */
static int64_t parse_count(const char *s, size_t len)
{
    if (len == 0 || len > 18)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < len; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static cursor_t *cursor_find(stream_t *s, const char *schema)
{
    for (size_t i = 0; i < s->num_cursor; ++i)
        if (strcmp(s->cursor[i].schema, schema) == 0)
            return &s->cursor[i];
    return NULL;
}

/* The stream's position in schema, added when absent (0 = before any); NULL when it names too many scopes. */
static cursor_t *cursor_get(stream_t *s, const char *schema)
{
    cursor_t *c = cursor_find(s, schema);
    if (c == NULL && s->num_cursor < MAX_CURSOR) {
        c = &s->cursor[s->num_cursor++];
        snprintf(c->schema, sizeof(c->schema), "%s", schema);
        c->n = 0;
    }
    return c;
}

/* "<since ms>~<schema>.<n>~...": 0, or -1 for anything else. */
static int parse_last_event_id(stream_t *s, const char *v, size_t len)
{
    const char *end = v + len, *p = v;
    const char *tilde = memchr(p, '~', len);
    const char *e = tilde ? tilde : end;
    if ((s->since_ms = parse_count(p, (size_t)(e - p))) < 0)
        return -1;
    p = e;
    while (p < end) {
        ++p; /* the '~' */
        tilde = memchr(p, '~', (size_t)(end - p));
        e = tilde ? tilde : end;
        const char *dot = NULL;
        for (const char *q = e; q > p; --q)
            if (q[-1] == '.') {
                dot = q - 1;
                break;
            }
        if (dot == NULL || !schema_valid(p, (size_t)(dot - p)) || s->num_cursor == MAX_CURSOR)
            return -1;
        cursor_t *c = &s->cursor[s->num_cursor];
        memcpy(c->schema, p, (size_t)(dot - p));
        c->schema[dot - p] = '\0';
        if ((c->n = parse_count(dot + 1, (size_t)(e - dot - 1))) < 0 || cursor_find(s, c->schema) != NULL)
            return -1;
        ++s->num_cursor;
        p = e;
    }
    return 0;
}

static void put_position(stream_t *s, dft_buf_t *b)
{
    dft_buf_printf(b, "id: %lld", (long long)s->since_ms);
    for (size_t i = 0; i < s->num_cursor; ++i)
        dft_buf_printf(b, "~%s.%lld", s->cursor[i].schema, (long long)s->cursor[i].n);
    dft_buf_puts(b, "\n");
}

/* -------------------------------------------------------------- writing */

static void unlink_stream(stream_t *s)
{
    if (h2o_linklist_is_linked(&s->link)) {
        h2o_linklist_unlink(&s->link);
        --s->et->num_streams;
    }
}

static void drop_held(stream_t *s)
{
    while (s->held != NULL) {
        held_t *h = s->held;
        s->held = h->next;
        free(h->type);
        free(h->json);
        free(h);
    }
    s->held_tail = &s->held;
    s->held_bytes = 0;
}

/* Hands the waiting text to h2o: with FINAL when the stream is ending. Touches nothing after a
 * FINAL or ERROR send: h2o may release the request (and s with it) inside it. */
static void flush(stream_t *s)
{
    if (!s->started || s->busy || s->done)
        return;
    if (s->out.len == 0 && !s->ending)
        return;
    dft_buf_t t = s->sending;
    s->sending = s->out;
    s->out = t;
    s->out.len = 0;
    h2o_iovec_t iov = h2o_iovec_init(s->sending.data, s->sending.len);
    if (s->ending) {
        s->done = 1;
        if (s->cut)
            h2o_send(s->r->h2o, NULL, 0, H2O_SEND_STATE_ERROR);
        else
            h2o_send(s->r->h2o, &iov, iov.len ? 1 : 0, H2O_SEND_STATE_FINAL);
        return;
    }
    s->busy = 1;
    h2o_send(s->r->h2o, &iov, 1, H2O_SEND_STATE_IN_PROGRESS);
}

/* Ends the stream after what is waiting (token expiry, drain, a failed replay), or at once with a
 * reset when cut: soon, from the closer (or at proceed when h2o holds a write of it). */
static void end_stream(stream_t *s, int cut)
{
    unlink_stream(s);
    drop_held(s);
    if (cut) {
        s->out.len = 0;
        s->cut = 1;
    }
    if (s->ending)
        return;
    s->ending = 1;
    h2o_linklist_insert(&s->et->closing, &s->close_link);
    if (!h2o_timeout_is_linked(&s->et->closer))
        h2o_timeout_link(s->et->t->ctx.loop, &s->et->now_timeout, &s->et->closer);
}

static void on_closer(h2o_timeout_entry_t *entry)
{
    ethread_t *et = H2O_STRUCT_FROM_MEMBER(ethread_t, closer, entry);
    while (!h2o_linklist_is_empty(&et->closing)) {
        stream_t *s = H2O_STRUCT_FROM_MEMBER(stream_t, close_link, et->closing.next);
        h2o_linklist_unlink(&s->close_link);
        flush(s); /* sends the end unless h2o holds a write: then at proceed */
    }
}

/* The reader fell too far behind: the stream is reset, what waits dropped. */
static void cut_stream(stream_t *s)
{
    __atomic_add_fetch(&cut_total, 1, __ATOMIC_RELAXED);
    dft_log(DFT_LOG_INFO, "events", "stream of %s cut off: its reader fell %lld bytes behind", s->uid,
            (long long)config->events_buffer_bytes);
    if (!s->started) { /* still replaying its first page: nothing sent yet */
        unlink_stream(s);
        drop_held(s);
        s->ending = s->cut = 1;
        s->done = 1;
        dft_respond_code(s->r, DFT_E_UNAVAILABLE, "Too many events are waiting; resume later.");
        return;
    }
    end_stream(s, 1); /* what h2o holds (one write, within the bound) stays until the peer reads or the
                       * watchdog closes the idle connection */
}

/* Appends one message; cuts the stream when it would pass the bound. */
static void emit(stream_t *s, const char *text, size_t len)
{
    if (s->ending || s->done)
        return;
    if (s->out.len + s->held_bytes + len > (size_t)config->events_buffer_bytes) {
        cut_stream(s);
        return;
    }
    dft_buf_append(&s->out, text, len);
    flush(s);
}

/* An event for this stream: skipped when its position in the scope is at or past n. */
static void send_event(stream_t *s, const char *schema, int64_t n, const char *type, const char *json)
{
    cursor_t *c = cursor_get(s, schema);
    if (c != NULL && n <= c->n)
        return;
    if (c != NULL)
        c->n = n;
    dft_buf_t b = {0};
    put_position(s, &b);
    dft_buf_printf(&b, "event: %s\ndata: %s\n\n", type, json);
    emit(s, b.data, b.len);
    dft_buf_dispose(&b);
    __atomic_add_fetch(&delivered_total, 1, __ATOMIC_RELAXED);
}

static void replay_next(stream_t *s);

static void on_proceed(h2o_generator_t *g, h2o_req_t *req)
{
    stream_t *s = (stream_t *)g;
    (void)req;
    s->busy = 0;
    s->sending.len = 0;
    if (s->done)
        return;
    flush(s); /* what waits, or the end (FINAL, or ERROR for a cut stream) */
    if (!s->busy && !s->done && s->replaying && !s->querying)
        replay_next(s);
}

static void on_stop(h2o_generator_t *g, h2o_req_t *req)
{
    stream_t *s = (stream_t *)g;
    (void)req;
    s->done = 1;
    unlink_stream(s);
    drop_held(s);
    if (h2o_linklist_is_linked(&s->close_link))
        h2o_linklist_unlink(&s->close_link);
}

static void on_stream_dispose(void *p)
{
    stream_t *s = p;
    unlink_stream(s);
    drop_held(s);
    if (h2o_linklist_is_linked(&s->close_link))
        h2o_linklist_unlink(&s->close_link);
    dft_buf_dispose(&s->out);
    dft_buf_dispose(&s->sending);
    free(s->replay);
    __atomic_sub_fetch(&streams_open, 1, __ATOMIC_RELAXED);
}

static void start(stream_t *s)
{
    if (s->started)
        return;
    s->started = 1;
    dft_add_header(s->r, "x-accel-buffering", "no");
    dft_respond_stream(s->r, 200, "text/event-stream; charset=utf-8", &s->super);
}

/* --------------------------------------------------------------- replay */

static void replay_done(stream_t *s)
{
    s->replaying = 0;
    free(s->replay);
    s->replay = NULL;
    held_t *h = s->held;
    s->held = NULL;
    s->held_tail = &s->held;
    s->held_bytes = 0;
    while (h != NULL) {
        held_t *next = h->next;
        if (!s->ending)
            send_event(s, h->schema, h->n, h->type, h->json);
        free(h->type);
        free(h->json);
        free(h);
        h = next;
    }
    if (!s->ending && s->out.len == 0 && !s->busy) { /* nothing replayed or held: say where it stands */
        dft_buf_t b = {0};
        put_position(s, &b);
        dft_buf_puts(&b, "\n");
        emit(s, b.data, b.len);
        dft_buf_dispose(&b);
    }
}

static void on_replayed(void *ctx, const dft_db_reply_t *reply)
{
    stream_t *s = ctx;
    s->querying = 0;
    if (s->done || s->ending)
        return;
    json_t *j = reply->err.code == DFT_OK && reply->value != NULL ? json_loadb(reply->value, reply->len, 0, NULL) : NULL;
    json_t *events = json_object_get(j, "events");
    if (!json_is_array(events)) {
        json_decref(j);
        if (!s->started) {
            s->done = 1;
            unlink_stream(s);
            drop_held(s);
            if (reply->err.code != DFT_OK)
                dft_respond_error(s->r, &reply->err);
            else
                dft_respond_code(s->r, DFT_E_INTERNAL, "The events could not be read.");
        } else {
            end_stream(s, 0); /* the client resumes from what it has */
        }
        return;
    }
    const char *schema = s->replay[s->replay_i];
    size_t i;
    json_t *e;
    start(s);
    json_array_foreach(events, i, e) {
        char *text = json_dumps(json_object_get(e, "event"), JSON_COMPACT);
        const char *type = json_string_value(json_object_get(json_object_get(e, "event"), "type"));
        if (text != NULL && type != NULL)
            send_event(s, schema, json_integer_value(json_object_get(e, "n")), type, text);
        free(text);
        if (s->ending)
            break;
    }
    if (!s->ending && json_array_size(events) < REPLAY_LIMIT) { /* this scope is done: up to its head */
        cursor_t *c = cursor_get(s, schema);
        int64_t head = json_integer_value(json_object_get(j, "head"));
        if (c != NULL && head > c->n)
            c->n = head;
        ++s->replay_i;
    }
    json_decref(j);
    if (!s->ending && !s->busy && s->out.len == 0)
        replay_next(s);
}

static void replay_next(stream_t *s)
{
    while (s->replay_i < s->num_replay) {
        const char *schema = s->replay[s->replay_i];
        dft_db_scope_t scope;
        dft_code_t rc;
        if (strncmp(schema, "state_", 6) == 0) {
            memcpy(s->r->session.roles, ",", 2); /* as the caller alone: nothing of the last department */
            s->r->session.dept[0] = '\0';
            rc = dft_tenant_state(s->r, schema + 6, NULL, &scope);
        } else {
            dft_str_t code = {schema + 5, strlen(schema + 5)};
            rc = dft_tenant_resolve(s->r, &code, &scope);
        }
        if (rc != DFT_OK) { /* no longer a member, suspended, or behind: nothing of it */
            ++s->replay_i;
            continue;
        }
        cursor_t *c = cursor_find(s, schema);
        char after[24], since[24];
        snprintf(after, sizeof(after), "%lld", c ? (long long)c->n : 0LL);
        snprintf(since, sizeof(since), "%lld", (long long)(s->since_ms > SINCE_SLACK_MS ? s->since_ms - SINCE_SLACK_MS : 0));
        const char *params[] = {c ? after : "", since, schema};
        s->querying = 1;
        dft_db_run(s->r, &scope, DFT_DB_READ, "events_replay", params, 3, on_replayed, s);
        return;
    }
    replay_done(s);
}

/* -------------------------------------------------------------- fan-out */

static scope_state_t *scope_state(ethread_t *et, const char *schema)
{
    for (size_t i = 0; i < et->num_scopes; ++i)
        if (strcmp(et->scopes[i]->schema, schema) == 0)
            return et->scopes[i];
    if (et->num_scopes == et->cap_scopes) {
        et->cap_scopes = et->cap_scopes ? et->cap_scopes * 2 : 16;
        scope_state_t **grown = realloc(et->scopes, et->cap_scopes * sizeof(*grown));
        if (grown == NULL)
            dft_fatal("out of memory");
        et->scopes = grown;
    }
    scope_state_t *ss = dft_calloc(1, sizeof(*ss));
    ss->et = et;
    ss->last_n = -1; /* unknown */
    snprintf(ss->schema, sizeof(ss->schema), "%s", schema);
    et->scopes[et->num_scopes++] = ss;
    return ss;
}

/* One event to every stream of the thread whose officer is in its audience. */
static void deliver(ethread_t *et, const char *schema, int64_t n, json_t *audience, json_t *event)
{
    char *text = NULL;
    const char *type = json_string_value(json_object_get(event, "type"));
    if (type == NULL)
        return;
    for (h2o_linklist_t *l = et->streams.next, *next; l != &et->streams; l = next) {
        next = l->next; /* emit may cut the stream, which unlinks it */
        stream_t *s = H2O_STRUCT_FROM_MEMBER(stream_t, link, l);
        size_t i;
        json_t *u;
        int mine = 0;
        json_array_foreach(audience, i, u) {
            if (json_is_string(u) && strcmp(json_string_value(u), s->uid) == 0) {
                mine = 1;
                break;
            }
        }
        if (!mine)
            continue;
        if (text == NULL && (text = json_dumps(event, JSON_COMPACT)) == NULL)
            return;
        if (s->replaying) { /* held until its replay is over */
            size_t len = strlen(text) + strlen(type) + 64;
            if (s->out.len + s->held_bytes + len > (size_t)config->events_buffer_bytes) {
                cut_stream(s);
                continue;
            }
            held_t *h = dft_calloc(1, sizeof(*h));
            snprintf(h->schema, sizeof(h->schema), "%s", schema);
            h->n = n;
            h->type = dft_strdup(type);
            h->json = dft_strdup(text);
            *s->held_tail = h;
            s->held_tail = &h->next;
            s->held_bytes += len;
            continue;
        }
        send_event(s, schema, n, type, text);
    }
    free(text);
}

static void fetch(scope_state_t *ss);

static void on_fetched(void *ctx, const dft_db_reply_t *reply)
{
    scope_state_t *ss = ctx;
    ethread_t *et = ss->et;
    ss->fetching = 0;
    json_t *list = reply->err.code == DFT_OK && reply->value != NULL ? json_loadb(reply->value, reply->len, 0, NULL) : NULL;
    if (!json_is_array(list)) {
        json_decref(list);
        ss->failed = 1; /* the tick tries again */
        return;
    }
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        int64_t n = json_integer_value(json_object_get(e, "n"));
        if (n <= ss->last_n)
            continue;
        ss->last_n = n;
        deliver(et, ss->schema, n, json_object_get(e, "audience"), json_object_get(e, "event"));
    }
    size_t count = json_array_size(list);
    json_decref(list);
    if (count == FETCH_LIMIT || ss->again) {
        ss->again = 0;
        fetch(ss);
    }
}

static void fetch(scope_state_t *ss)
{
    if (ss->fetching) {
        ss->again = 1;
        return;
    }
    dft_db_scope_t scope;
    if (dft_tenant_scope_named(ss->et->t, ss->schema, &scope) != 0)
        return; /* not a scope this server serves now */
    char after[24];
    snprintf(after, sizeof(after), "%lld", (long long)ss->last_n);
    const char *params[] = {after, ss->schema};
    ss->fetching = 1;
    ss->failed = 0;
    dft_db_run_internal(ss->et->t, &scope, DFT_DB_READ, "events_after", params, 2, on_fetched, ss);
}

/* A NOTIFY daftar_events ("<quoted schema> <n>"), or NULL when the thread's first connection came up. */
static void on_notified(dft_thread_t *t, const char *payload)
{
    ethread_t *et = ethread(t);
    if (payload == NULL) { /* notices may have been lost while it was down */
        for (size_t i = 0; i < et->num_scopes; ++i)
            if (et->scopes[i]->last_n >= 0)
                fetch(et->scopes[i]);
        return;
    }
    const char *p = payload, *space = strrchr(payload, ' ');
    if (space == NULL)
        return;
    size_t len = (size_t)(space - p);
    if (len >= 2 && p[0] == '"' && p[len - 1] == '"')
        ++p, len -= 2;
    int64_t n = parse_count(space + 1, strlen(space + 1));
    char schema[40];
    if (n < 1 || !schema_valid(p, len))
        return;
    memcpy(schema, p, len);
    schema[len] = '\0';
    scope_state_t *ss = scope_state(et, schema);
    if (et->num_streams == 0 && !ss->fetching) { /* nobody here to tell: a stream opened later starts after it */
        if (n > ss->last_n)
            ss->last_n = n;
        return;
    }
    if (ss->last_n < 0) /* first news of it: from this one on */
        ss->last_n = n - 1;
    if (n > ss->last_n)
        fetch(ss);
}

/* The thread's state, set up on first use (a notice may come before any stream). */
static ethread_t *ethread(dft_thread_t *t)
{
    ethread_t *et = &threads[t->index];
    if (et->t == NULL) {
        et->t = t;
        h2o_linklist_init_anchor(&et->streams);
        h2o_linklist_init_anchor(&et->closing);
        h2o_timeout_init(t->ctx.loop, &et->now_timeout, 0);
        et->closer.cb = on_closer;
        h2o_timeout_init(t->ctx.loop, &et->tick_timeout, (uint64_t)(heartbeat_ms < TICK_MS ? heartbeat_ms : TICK_MS));
        et->tick.cb = on_tick;
    }
    return et;
}

/* ----------------------------------------------------------------- tick */

static void on_tick(h2o_timeout_entry_t *entry)
{
    ethread_t *et = H2O_STRUCT_FROM_MEMBER(ethread_t, tick, entry);
    uint64_t now = h2o_now(et->t->ctx.loop);
    int64_t wall = (int64_t)time(NULL);
    int beat = now >= et->heartbeat_at;
    if (beat)
        et->heartbeat_at = now + (uint64_t)heartbeat_ms;
    for (h2o_linklist_t *l = et->streams.next, *next; l != &et->streams; l = next) {
        next = l->next;
        stream_t *s = H2O_STRUCT_FROM_MEMBER(stream_t, link, l);
        if (!s->started) /* on its first replay page: the next tick */
            continue;
        if (et->t->draining || wall >= s->exp) {
            end_stream(s, 0);
        } else if (beat && s->started && !s->replaying) {
            emit(s, ": heartbeat\n\n", 13);
        }
    }
    for (size_t i = 0; i < et->num_scopes; ++i)
        if (et->scopes[i]->failed)
            fetch(et->scopes[i]);
    tick_arm(et);
}

static void tick_arm(ethread_t *et)
{
    if (et->num_streams > 0 && !h2o_timeout_is_linked(&et->tick))
        h2o_timeout_link(et->t->ctx.loop, &et->tick_timeout, &et->tick);
}

/* ---------------------------------------------------------------- route */

static void get_events(dft_req_t *r)
{
    const dft_principal_t *p = r->principal;
    if (p->service) {
        dft_respond_code(r, DFT_E_FORBIDDEN, "Service accounts receive events through webhooks.");
        return;
    }
    if (__atomic_load_n(&streams_open, __ATOMIC_RELAXED) >= (uint64_t)config->events_max_streams) {
        dft_add_header(r, "retry-after", "5");
        dft_respond_code(r, DFT_E_UNAVAILABLE, "This server holds as many event streams as it may; retry shortly.");
        return;
    }
    ethread_t *et = ethread(r->thread);
    stream_t *s = h2o_mem_alloc_shared(&r->h2o->pool, sizeof(*s), on_stream_dispose);
    memset(s, 0, sizeof(*s));
    __atomic_add_fetch(&streams_open, 1, __ATOMIC_RELAXED);
    s->super.proceed = on_proceed;
    s->super.stop = on_stop;
    s->et = et;
    s->r = r;
    s->held_tail = &s->held;
    s->exp = p->exp;
    snprintf(s->uid, sizeof(s->uid), "%s", p->uid);

    ssize_t hi = h2o_find_header_by_str(&r->h2o->headers, H2O_STRLIT("last-event-id"), -1);
    if (hi >= 0) {
        h2o_iovec_t v = r->h2o->headers.entries[hi].value;
        if (parse_last_event_id(s, v.base, v.len) != 0) {
            dft_respond_field_error(r, "Last-Event-ID", "malformed", "Not an id this server sent.");
            return;
        }
        /* the scopes to replay: the officer's departments, every statewide scope, those the id names */
        size_t cap = p->num_memberships + dft_tenant_num_states() + s->num_cursor;
        s->replay = dft_calloc(cap ? cap : 1, sizeof(*s->replay));
        for (size_t i = 0; i < p->num_memberships; ++i)
            snprintf(s->replay[s->num_replay++], sizeof(s->replay[0]), "dept_%s", p->memberships[i].dept);
        for (size_t i = 0; i < dft_tenant_num_states(); ++i)
            snprintf(s->replay[s->num_replay++], sizeof(s->replay[0]), "state_%s", dft_tenant_state_name(i));
        for (size_t i = 0; i < s->num_cursor; ++i) {
            size_t k = 0;
            while (k < s->num_replay && strcmp(s->replay[k], s->cursor[i].schema) != 0)
                ++k;
            if (k == s->num_replay)
                snprintf(s->replay[s->num_replay++], sizeof(s->replay[0]), "%s", s->cursor[i].schema);
        }
        s->replaying = 1;
    } else {
        s->since_ms = (int64_t)dft_now_ms();
        for (size_t i = 0; i < et->num_scopes; ++i) {
            const scope_state_t *ss = et->scopes[i];
            int mine = strncmp(ss->schema, "state_", 6) == 0;
            for (size_t k = 0; !mine && k < p->num_memberships; ++k)
                mine = strcmp(ss->schema + 5, p->memberships[k].dept) == 0;
            if (mine && ss->last_n >= 0 && s->num_cursor < MAX_CURSOR) {
                snprintf(s->cursor[s->num_cursor].schema, sizeof(s->cursor[0].schema), "%s", ss->schema);
                s->cursor[s->num_cursor++].n = ss->last_n;
            }
        }
    }
    /* live events reach it from now on (held while it replays) */
    h2o_linklist_insert(&et->streams, &s->link);
    ++et->num_streams;
    __atomic_add_fetch(&opened_total, 1, __ATOMIC_RELAXED);
    if (et->heartbeat_at == 0)
        et->heartbeat_at = h2o_now(r->thread->ctx.loop) + (uint64_t)heartbeat_ms;
    tick_arm(et);
    if (s->replaying) {
        replay_next(s);
        return;
    }
    start(s);
    dft_buf_t b = {0};
    dft_buf_puts(&b, "retry: 3000\n");
    put_position(s, &b);
    dft_buf_puts(&b, "\n");
    emit(s, b.data, b.len);
    dft_buf_dispose(&b);
}

static const dft_route_t routes[] = {
    {.method = "GET", .path = "/v1/me/events", .name = "getMyEvents", .handler = get_events},
};
const dft_route_table_t dft_events_routes = {routes, DFT_ARRAY_SIZE(routes)};

static const dft_db_feed_t feed = {.channel = "daftar_events", .notified = on_notified, .one_connection = 1};

int dft_events_attach(dft_server_t *server)
{
    config = server->config;
    heartbeat_ms = config->events_heartbeat_ms;
    if (heartbeat_ms >= config->idle_timeout_ms) /* the watchdog would close a quiet stream first */
        heartbeat_ms = config->idle_timeout_ms / 2 > 100 ? config->idle_timeout_ms / 2 : 100;
    threads = dft_calloc(server->num_threads, sizeof(*threads));
    dft_db_add_feed(&feed);
    dft_metrics_add_source(render_metrics);
    char err[160];
    if (dft_egress_configure(config->webhook_allow_hosts, err, sizeof(err)) != 0) {
        dft_log(DFT_LOG_ERROR, "webhooks", "%s", err);
        return -1;
    }
    unsigned char master[32];
    int have = dft_master_key_parse(config->master_key, master) == 0;
    if (have)
        dft_webhooks_key(master, (int)config->webhook_insecure_loopback);
    dft_wipe(master, sizeof(master));
    return dft_webhooks_start(server, have);
}
