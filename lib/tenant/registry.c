/*
 * registry.c — the per-thread department registry (see tenant.h).
 *
 * A feed of the database layer: loaded with the catalog statement
 * registry_load when a connection of the thread comes up and on every
 * NOTIFY daftar_departments.
 * Lookups are a binary search by code over an array sorted by PostgreSQL.
 *
 * The same feed says whether each statewide scope (sql/state/<name>/: a
 * schema and NOLOGIN role state_<name>, README "Scopes") has this binary's
 * migrations and function files; the scopes are the ones compiled in.
 */
#include "tenant.h"

#include "../core/cidr.h"
#include "../core/core.h"
#include "../auth/auth.h"
#include "../core/log.h"
#include "../db/sqlfiles.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct dept_t {
    uint32_t id;
    int current; /* its migrations and function files are this server's */
    int suspended;
    int moving;  /* `daftar dept move` is copying it: read-only until the switch */
    int cluster; /* dft_db_cluster_index of its cluster; -1: one this server's settings do not name (503) */
    char code[32];
    char role[40]; /* dept_<code>: also the schema name */
    dft_cidr_t trusted[16]; /* networks from which confidential files may be read */
    size_t num_trusted;
} dept_t;

#define MAX_STATES 8

typedef struct registry_t {
    dept_t *depts;
    size_t count;
    int catalog_current;
    int state_current[MAX_STATES];
} registry_t;

/* The statewide scopes compiled in (groups "state/<name>" of the SQL files). */
static struct {
    char name[24], role[32];
    int latest;
    const char *digest;
} states[MAX_STATES];
static size_t num_states;

static registry_t **current; /* per thread, indexed by thread index; NULL until the first load */
static int latest_catalog, latest_dept;
static const char *catalog_digest, *dept_digest; /* of this binary's function files */

/* The functions a database recorded are this binary's (no files: nothing recorded). */
static int same_digest(json_t *v, const char *want)
{
    return want == NULL ? json_is_null(v) || v == NULL : json_is_string(v) && strcmp(json_string_value(v), want) == 0;
}

int dft_tenant_code_valid(const char *s, size_t len)
{
    if (len < 2 || len > 31 || !(s[0] >= 'a' && s[0] <= 'z'))
        return 0;
    for (size_t i = 1; i < len; ++i)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

static void registry_free(registry_t *reg)
{
    if (reg != NULL) {
        free(reg->depts);
        free(reg);
    }
}

static registry_t *registry_parse(const char *text, size_t len)
{
    json_error_t jerr;
    json_t *j = json_loadb(text, len, 0, &jerr);
    if (j == NULL)
        return NULL;
    json_t *list = json_object_get(j, "departments");
    registry_t *reg = dft_calloc(1, sizeof(*reg));
    reg->catalog_current = json_integer_value(json_object_get(j, "catalog_version")) >= latest_catalog &&
                           same_digest(json_object_get(j, "catalog_functions"), catalog_digest);
    reg->count = json_array_size(list);
    reg->depts = dft_calloc(reg->count, sizeof(dept_t));
    for (size_t i = 0; i < reg->count; ++i) {
        json_t *d = json_array_get(list, i);
        const char *code = json_string_value(json_object_get(d, "code"));
        dept_t *out = &reg->depts[i];
        if (code == NULL || !dft_tenant_code_valid(code, strlen(code))) {
            registry_free(reg);
            json_decref(j);
            return NULL;
        }
        out->id = (uint32_t)json_integer_value(json_object_get(d, "id"));
        out->current = json_integer_value(json_object_get(d, "version")) >= latest_dept &&
                       same_digest(json_object_get(d, "functions"), dept_digest);
        out->suspended = strcmp(json_string_value(json_object_get(d, "status")) ?: "", "active") != 0;
        snprintf(out->code, sizeof(out->code), "%s", code);
        out->moving = json_is_true(json_object_get(d, "moving"));
        const char *cluster = json_string_value(json_object_get(d, "cluster")) ?: "main";
        out->cluster = dft_db_cluster_index(cluster);
        if (out->cluster < 0)
            dft_log(DFT_LOG_WARN, "registry", "department %s is on cluster '%.31s', which the setting clusters does not name; "
                    "its requests get 503", code, cluster);
        snprintf(out->role, sizeof(out->role), "dept_%s", code);
        int nt = dft_cidr_parse_list(json_string_value(json_object_get(d, "trusted_cidrs")) ?: "", out->trusted,
                                     DFT_ARRAY_SIZE(out->trusted));
        out->num_trusted = nt > 0 ? (size_t)nt : 0; /* the catalog's cidr[] type has validated them */
    }
    for (size_t i = 0; i < num_states; ++i) {
        json_t *st = json_object_get(json_object_get(j, "states"), states[i].name);
        reg->state_current[i] = json_integer_value(json_object_get(st, "version")) >= states[i].latest &&
                                same_digest(json_object_get(st, "functions"), states[i].digest);
    }
    json_decref(j);
    return reg;
}

static int apply(dft_thread_t *t, const char *json, size_t len)
{
    registry_t *reg = registry_parse(json, len);
    if (reg == NULL)
        return -1;
    registry_free(current[t->index]); /* no request holds a dept_t across an event: safe to free now */
    current[t->index] = reg;
    return 0;
}

static const dft_db_feed_t feed = {.channel = "daftar_departments", .stmt = "registry_load", .apply = apply};

static int ready_check(dft_thread_t *t, const char **why)
{
    registry_t *reg = current[t->index];
    if (reg == NULL) {
        *why = "department registry not loaded";
        return 0;
    }
    if (!reg->catalog_current) {
        *why = "catalog migrations are behind this server; run daftar migrate";
        return 0;
    }
    for (size_t i = 0; i < num_states; ++i)
        if (!reg->state_current[i]) {
            *why = "a statewide scope's migrations are behind this server; run daftar migrate";
            return 0;
        }
    for (size_t i = 0; i < reg->count; ++i)
        if (!reg->depts[i].current) {
            *why = "a department's migrations are behind this server; run daftar migrate";
            return 0;
        }
    *why = "ok";
    return 1;
}

void dft_tenant_attach(dft_server_t *server)
{
    current = dft_calloc(server->num_threads, sizeof(*current));
    latest_catalog = dft_migrations_latest("catalog");
    latest_dept = dft_migrations_latest("dept");
    catalog_digest = dft_functions_digest("catalog");
    dept_digest = dft_functions_digest("dept");
    for (size_t i = 0; i < dft_num_sql_files; ++i) {
        const char *g = dft_sql_files[i].group;
        if (strncmp(g, "state/", 6) != 0 || strchr(g + 6, '/') != NULL || dft_tenant_state_index(g + 6) >= 0)
            continue;
        if (num_states == MAX_STATES || strlen(g + 6) >= sizeof(states[0].name))
            dft_fatal("too many statewide scopes, or a name too long: %s", g);
        snprintf(states[num_states].name, sizeof(states[0].name), "%s", g + 6);
        snprintf(states[num_states].role, sizeof(states[0].role), "state_%s", g + 6);
        char stmt[48];
        snprintf(stmt, sizeof(stmt), "me_data_%s", g + 6);
        if (dft_db_statement_text(stmt) == NULL) /* GET /v1/me/data shows each scope's part: every scope says it */
            dft_fatal("statewide scope %s has no sql/queries/%s.sql (what it holds about the calling officer)", g + 6, stmt);
        states[num_states].latest = dft_migrations_latest(g);
        states[num_states].digest = dft_functions_digest(g);
        ++num_states;
    }
    dft_db_add_feed(&feed);
    dft_db_ready_check = ready_check;
}

/* What the department's SQL rules read about the caller (see sql/dept/0002_files.sql). */
static void fill_session(dft_req_t *r, const dept_t *d, uint32_t roles)
{
    const dft_principal_t *p = r->principal;
    snprintf(r->session.clearance, sizeof(r->session.clearance), "%d", (int)p->clearance);
    size_t k = 0;
    r->session.roles[k++] = ',';
    for (unsigned i = 0; dft_role_name(i) != NULL; ++i)
        if (roles & (1u << i))
            k += (size_t)snprintf(r->session.roles + k, sizeof(r->session.roles) - k, "%s,", dft_role_name(i));
    snprintf(r->session.dept, sizeof(r->session.dept), "%s", d->code);
    r->session.otp[0] = p->otp ? 't' : 'f';
    r->session.trusted[0] =
        d->num_trusted != 0 && dft_cidr_match(d->trusted, d->num_trusted, r->client_addr, strlen(r->client_addr)) ? 't' : 'f';
}

/* The department `code` for r's principal: NULL with *rc NOT_FOUND (unknown
 * or malformed), FORBIDDEN (suspended, or not a member), UNAVAILABLE (no
 * registry yet); fills r's session for it on authenticated routes. */
static const dept_t *member_dept(dft_req_t *r, const dft_str_t *code, dft_code_t *rc)
{
    *rc = DFT_E_NOT_FOUND;
    if (code == NULL || !dft_tenant_code_valid(code->base, code->len))
        return NULL;
    registry_t *reg = current != NULL ? current[r->thread->index] : NULL;
    if (reg == NULL) {
        *rc = DFT_E_UNAVAILABLE;
        return NULL;
    }
    size_t lo = 0, hi = reg->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const dept_t *d = &reg->depts[mid];
        size_t dl = strlen(d->code);
        int c = memcmp(d->code, code->base, dl < code->len ? dl : code->len);
        if (c == 0)
            c = dl < code->len ? -1 : dl > code->len ? 1 : 0;
        if (c == 0) {
            *rc = DFT_E_FORBIDDEN;
            if (d->suspended)
                return NULL;
            /* on authenticated routes, only members of the department get further */
            if (r->principal != NULL) {
                uint32_t roles = dft_principal_roles(r->principal, code->base, code->len);
                if (roles == 0)
                    return NULL;
                fill_session(r, d, roles);
            }
            *rc = DFT_OK;
            return d;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

dft_code_t dft_tenant_resolve(dft_req_t *r, const dft_str_t *code, dft_db_scope_t *scope)
{
    dft_code_t rc;
    const dept_t *d = member_dept(r, code, &rc);
    if (d == NULL)
        return rc;
    if (!d->current || d->cluster < 0)
        return DFT_E_UNAVAILABLE;
    *scope = (dft_db_scope_t){.dept_id = d->id, .role = d->role, .schema = d->role, .cluster = (uint32_t)d->cluster,
                              .read_only = d->moving};
    return DFT_OK;
}

size_t dft_tenant_num_states(void)
{
    return num_states;
}

const char *dft_tenant_state_name(size_t i)
{
    return i < num_states ? states[i].name : NULL;
}

int dft_tenant_state_index(const char *name)
{
    for (size_t i = 0; i < num_states; ++i)
        if (strcmp(states[i].name, name) == 0)
            return (int)i;
    return -1;
}

dft_code_t dft_tenant_state(dft_req_t *r, const char *name, const dft_str_t *code, dft_db_scope_t *scope)
{
    int i = dft_tenant_state_index(name);
    if (i < 0)
        dft_fatal("no statewide scope %s is compiled in", name); /* a programmer error, caught by any test of the route */
    dft_code_t rc = DFT_OK;
    if (code != NULL && member_dept(r, code, &rc) == NULL)
        return rc;
    if (code == NULL && r->principal != NULL) { /* the caller as themselves: no department's roles */
        snprintf(r->session.clearance, sizeof(r->session.clearance), "%d", (int)r->principal->clearance);
        r->session.otp[0] = r->principal->otp ? 't' : 'f';
    }
    registry_t *reg = current != NULL ? current[r->thread->index] : NULL;
    if (reg == NULL || !reg->state_current[i])
        return DFT_E_UNAVAILABLE;
    *scope = (dft_db_scope_t){.dept_id = DFT_STATE_SCOPE_ID(i), .role = states[i].role, .schema = states[i].role};
    return DFT_OK;
}

int dft_tenant_scope_named(dft_thread_t *t, const char *schema, dft_db_scope_t *scope)
{
    registry_t *reg = current != NULL ? current[t->index] : NULL;
    if (reg == NULL)
        return -1;
    if (strncmp(schema, "state_", 6) == 0) {
        int i = dft_tenant_state_index(schema + 6);
        if (i < 0 || !reg->state_current[i])
            return -1;
        *scope = (dft_db_scope_t){.dept_id = DFT_STATE_SCOPE_ID(i), .role = states[i].role, .schema = states[i].role};
        return 0;
    }
    if (strncmp(schema, "dept_", 5) != 0)
        return -1;
    const char *code = schema + 5;
    size_t lo = 0, hi = reg->count;
    while (lo < hi) { /* sorted by code, as member_dept searches */
        size_t mid = (lo + hi) / 2;
        int c = strcmp(reg->depts[mid].code, code);
        if (c == 0) {
            const dept_t *d = &reg->depts[mid];
            if (d->suspended || !d->current || d->cluster < 0)
                return -1;
            *scope = (dft_db_scope_t){.dept_id = d->id, .role = d->role, .schema = d->role, .cluster = (uint32_t)d->cluster,
                                      .read_only = d->moving};
            return 0;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}
