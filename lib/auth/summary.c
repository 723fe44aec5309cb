/*
 * summary.c — GET /v1/me/summary: the counts a client shows on its badges,
 * in one call. For each department the caller belongs to (the first
 * SUMMARY_MAX_DEPTS): the files in their inbox, those overdue and the
 * letters on them waiting for an approval (summary_files, as the
 * department's role), and the leave applications waiting for them
 * (summary_leave, scope hr as a member of that department); the APAR forms
 * at their stage (summary_apar) and their mandatory training not completed
 * (summary_training), each statewide scope as the caller alone.
 *
 * Every statement is handed to the database layer at once, which pipelines
 * them: the answer waits for one round trip (the slowest statement), not
 * their sum. Nothing here decides what counts: each statement counts what
 * the family's own list shows (files?box=inbox, leave?box=waiting,
 * apar/forms?box=turn, /v1/me/training). A department that cannot be read
 * now (suspended, migrations behind) is left out; a scope not compiled in
 * gives no count.
 */
#include "auth.h"

#include "../core/core.h"
#include "../db/db.h"
#include "../kit/kit.h"
#include "../tenant/tenant.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define SUMMARY_MAX_DEPTS 20
#define SUMMARY_MAX_PARTS (2 * SUMMARY_MAX_DEPTS + 2)

typedef struct summary_t summary_t;

/* One statement's answer: which department (-1: the officer's own part) and its JSON object. */
typedef struct part_t {
    summary_t *s;
    int dept;
    json_t *value;
} part_t;

struct summary_t {
    dft_flow_t flow; /* first */
    size_t num_parts, left;
    dft_error_t err; /* the first failure, answered when every part is in */
    char depts[SUMMARY_MAX_DEPTS][32];
    size_t num_depts;
    part_t parts[SUMMARY_MAX_PARTS];
};

static void summary_dispose(dft_flow_t *f)
{
    summary_t *s = (summary_t *)f;
    for (size_t i = 0; i < s->num_parts; ++i)
        json_decref(s->parts[i].value);
}

/* Merges every part into {"departments": [{"dept", counts...}], counts...} and answers. */
static void answer(summary_t *s, dft_req_t *r)
{
    json_t *out = json_object(), *depts = json_array();
    for (size_t d = 0; d < s->num_depts; ++d) {
        json_t *one = json_pack("{ss}", "dept", s->depts[d]);
        for (size_t i = 0; i < s->num_parts; ++i)
            if (s->parts[i].dept == (int)d)
                json_object_update(one, s->parts[i].value);
        json_array_append_new(depts, one);
    }
    json_object_set_new(out, "departments", depts);
    for (size_t i = 0; i < s->num_parts; ++i)
        if (s->parts[i].dept < 0)
            json_object_update(out, s->parts[i].value);
    char *text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(out);
    if (text == NULL) {
        dft_respond_code(r, DFT_E_INTERNAL, "the summary could not be built");
        return;
    }
    dft_respond_json(r, 200, text, strlen(text));
    free(text);
}

static void on_part(void *ctx, const dft_db_reply_t *reply)
{
    part_t *p = ctx;
    summary_t *s = p->s;
    if (reply->err.code != DFT_OK) {
        if (s->err.code == DFT_OK) {
            s->err = reply->err;
            s->err.detail = NULL; /* the reply's text and fields do not outlive this call */
            s->err.fields = NULL;
            s->err.num_fields = 0;
        }
    } else if (reply->value != NULL) {
        p->value = json_loadb(reply->value, reply->len, 0, NULL);
    }
    if (--s->left > 0)
        return;
    dft_req_t *r = s->flow.req; /* every part is in: the flow ends here, whether or not the client stayed */
    if (r != NULL) {
        if (s->err.code != DFT_OK)
            dft_respond_error(r, &s->err);
        else
            answer(s, r);
    }
    dft_flow_free(&s->flow);
}

/* Queues one statement of the summary (not yet sent: see get_summary). */
static void add_part(summary_t *s, dft_req_t *r, const dft_db_scope_t *scope, const char *stmt, int dept)
{
    part_t *p = &s->parts[s->num_parts++];
    p->s = s;
    p->dept = dept;
    ++s->left;
    dft_db_run_for(r, scope, DFT_DB_READ, stmt, NULL, 0, on_part, p);
}

static void get_summary(dft_req_t *r)
{
    const dft_principal_t *who = r->principal;
    if (who->service) {
        dft_respond_code(r, DFT_E_FORBIDDEN, "A service account has no inbox, leave or training.");
        return;
    }
    summary_t *s = dft_flow_new(sizeof(*s), r, NULL, summary_dispose);
    /* One more than the parts, released below: no reply that comes back while parts are still being
     * added (none does today: replies come from the event loop) can end the flow early. */
    s->left = 1;
    for (size_t i = 0; i < who->num_memberships && s->num_depts < SUMMARY_MAX_DEPTS; ++i) {
        const char *code = who->memberships[i].dept;
        dft_str_t name = {code, strlen(code)};
        dft_db_scope_t scope;
        if (dft_tenant_resolve(r, &name, &scope) != DFT_OK)
            continue;
        int d = (int)s->num_depts;
        snprintf(s->depts[s->num_depts++], sizeof(s->depts[0]), "%s", code);
        add_part(s, r, &scope, "summary_files", d);
        if (dft_tenant_state_index("hr") >= 0 && dft_tenant_state(r, "hr", &name, &scope) == DFT_OK)
            add_part(s, r, &scope, "summary_leave", d);
    }
    static const char *const alone[][2] = {{"apar", "summary_apar"}, {"training", "summary_training"}};
    for (size_t i = 0; i < DFT_ARRAY_SIZE(alone); ++i) {
        dft_db_scope_t scope;
        if (dft_tenant_state_index(alone[i][0]) >= 0 && dft_tenant_state(r, alone[i][0], NULL, &scope) == DFT_OK)
            add_part(s, r, &scope, alone[i][1], -1);
    }
    dft_db_reply_t none = {.err = {.code = DFT_OK}};
    part_t self = {.s = s, .dept = -2}; /* the extra count above: its part is nobody's */
    on_part(&self, &none);
}

static const dft_route_t routes[] = {
    {.method = "GET", .path = "/v1/me/summary", .name = "getMySummary", .handler = get_summary},
};

const dft_route_table_t dft_summary_routes = {routes, DFT_ARRAY_SIZE(routes)};
