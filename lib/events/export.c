/*
 * export.c — GET /v1/departments/{dept}/audit?since=&until= (issue 22): the
 * department's audit trail as NDJSON, one event a line with its hash chain,
 * for the department's auditor (the rule is SQL's: functions/audit_export.sql
 * refuses anyone else), so that `daftar audit verify FILE` checks it offline.
 *
 * Streamed from the event loop a page at a time: a page of PAGE events is
 * one statement (keyset on chain and seq, one short transaction), handed to h2o with
 * h2o_send; the next page is asked for only when h2o has sent the last
 * (the generator's proceed), so a slow client holds one page of memory and
 * no transaction. A new event appended meanwhile falls after the pages
 * read; the export is the chain's prefix up to where it ended.
 */
#include "events.h"

#include "../core/core.h"
#include "../db/db.h"
#include "../kit/kit.h"

#include <stdlib.h>
#include <string.h>

#define PAGE 2000

typedef struct export_t {
    h2o_generator_t super; /* first */
    dft_req_t *r;
    dft_db_scope_t scope;
    char role[40];
    char since[11], until[11];
    char after_chain[40], after[24];
    char *page; /* handed to h2o until proceed */
    unsigned started : 1, done : 1;
} export_t;

static void next_page(export_t *x);

static void on_page(void *ctx, const dft_db_reply_t *reply)
{
    export_t *x = ctx;
    if (x->done)
        return;
    size_t len = 0;
    const char *lines = reply->err.code == DFT_OK ? dft_db_reply_field(reply, 0, &len) : NULL;
    const char *chain = reply->err.code == DFT_OK ? dft_db_reply_field(reply, 1, NULL) : NULL;
    const char *last = reply->err.code == DFT_OK ? dft_db_reply_field(reply, 2, NULL) : NULL;
    const char *count = reply->err.code == DFT_OK ? dft_db_reply_field(reply, 3, NULL) : NULL;
    if (reply->err.code != DFT_OK || lines == NULL || count == NULL) {
        if (!x->started) {
            x->done = 1;
            if (reply->err.code != DFT_OK)
                dft_respond_error(x->r, &reply->err);
            else
                dft_respond_code(x->r, DFT_E_INTERNAL, "The audit trail could not be read.");
        } else { /* mid-stream: cut it, so the client sees an incomplete export, never a short one that looks whole */
            x->done = 1;
            h2o_send(x->r->h2o, NULL, 0, H2O_SEND_STATE_ERROR);
        }
        return;
    }
    int final = strtol(count, NULL, 10) < PAGE;
    if (!x->started) {
        x->started = 1;
        dft_add_header(x->r, "content-disposition", "attachment; filename=\"audit.ndjson\"");
        dft_respond_stream(x->r, 200, "application/x-ndjson", &x->super);
    }
    if (chain != NULL && last != NULL) {
        snprintf(x->after_chain, sizeof(x->after_chain), "%s", chain);
        snprintf(x->after, sizeof(x->after), "%s", last);
    }
    free(x->page);
    x->page = dft_strdup(lines);
    h2o_iovec_t iov = h2o_iovec_init(x->page, len);
    if (final)
        x->done = 1; /* h2o may release the request inside the FINAL send */
    h2o_send(x->r->h2o, &iov, len ? 1 : 0, final ? H2O_SEND_STATE_FINAL : H2O_SEND_STATE_IN_PROGRESS);
}

static void on_proceed(h2o_generator_t *g, h2o_req_t *req)
{
    export_t *x = (export_t *)g;
    (void)req;
    if (!x->done)
        next_page(x);
}

static void on_stop(h2o_generator_t *g, h2o_req_t *req)
{
    export_t *x = (export_t *)g;
    (void)req;
    x->done = 1;
}

static void on_dispose(void *p)
{
    export_t *x = p;
    free(x->page);
}

static void next_page(export_t *x)
{
    char limit[16];
    snprintf(limit, sizeof(limit), "%d", PAGE);
    const char *params[] = {x->since[0] ? x->since : NULL, x->until[0] ? x->until : NULL, x->after_chain, x->after, limit};
    /* read-write: the first page records the export in the chain */
    dft_db_run(x->r, &x->scope, DFT_DB_WRITE, "audit_export", params, 5, on_page, x);
}

static const char *const export_query[] = {"since", "until", NULL};

static void get_audit(dft_req_t *r)
{
    dft_db_scope_t scope;
    const char *since, *until;
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_query_date(r, "since", &since) != 0 ||
        dft_kit_query_date(r, "until", &until) != 0)
        return;
    if (since[0] && until[0] && strcmp(since, until) > 0) {
        dft_respond_field_error(r, "until", "before_since", "until is before since.");
        return;
    }
    export_t *x = h2o_mem_alloc_shared(&r->h2o->pool, sizeof(*x), on_dispose);
    memset(x, 0, sizeof(*x));
    x->super.proceed = on_proceed;
    x->super.stop = on_stop;
    x->r = r;
    /* the flow outlives the handler: its own copy of the scope's names (the registry may be replaced) */
    snprintf(x->role, sizeof(x->role), "%s", scope.role);
    x->scope = (dft_db_scope_t){.dept_id = scope.dept_id, .role = x->role, .schema = x->role, .cluster = scope.cluster,
                                .read_only = scope.read_only};
    snprintf(x->since, sizeof(x->since), "%s", since);
    snprintf(x->until, sizeof(x->until), "%s", until);
    memcpy(x->after, "0", 2); /* after_chain "": before every chain */
    next_page(x);
}

static const dft_route_t routes[] = {
    {.method = "GET", .path = "/v1/departments/{dept}/audit", .name = "exportAudit", .handler = get_audit,
     .query = export_query},
};
const dft_route_table_t dft_export_routes = {routes, DFT_ARRAY_SIZE(routes)};
