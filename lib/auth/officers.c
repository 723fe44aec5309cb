/*
 * officers.c — department administrators manage their own department's
 * officers: POST /v1/departments/{dept}/officers creates one (UID and a
 * temporary password, shown once), PATCH .../officers/{uid} changes the
 * membership's roles, designation or section. The code checks the caller's roles from
 * the token; the database functions check them again from the catalog.
 *
 * Creating is a flow: worker (temporary password, scrypt) -> serial ->
 * insert; like the login flow it outlives its request only as a detached
 * struct that the next step frees.
 */
#include "auth.h"
#include "auth_internal.h"

#include "../core/core.h"
#include "../db/db.h"
#include "../http/worker.h"
#include "../kit/kit.h"
#include "../tenant/tenant.h"
#include "crypto.h"
#include "uid.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const clearance_names[] = {"unclassified", "restricted", "confidential", "secret", NULL};

/* Resolves {dept} for an administrator of it; 0, or -1 after responding. */
static int admin_of_dept(dft_req_t *r, char dept[32])
{
    const dft_str_t *code = dft_req_param(r, "dept");
    dft_db_scope_t scope;
    dft_code_t rc = dft_tenant_resolve(r, code, &scope);
    if (rc != DFT_OK) {
        dft_respond_code(r, rc, rc == DFT_E_NOT_FOUND ? "No department has this code." : NULL);
        return -1;
    }
    if (!(dft_principal_roles(r->principal, code->base, code->len) & (DFT_ROLE_DEPT_ADMIN | DFT_ROLE_HR_ADMIN))) {
        dft_respond_code(r, DFT_E_FORBIDDEN, "Only the department's administrators may manage its officers.");
        return -1;
    }
    snprintf(dept, 32, "%.*s", (int)code->len, code->base);
    return 0;
}

/* roles: a JSON array of known, distinct role names -> "{a,b}" in the pool; NULL after a 400. */
static const char *roles_literal(dft_req_t *r, json_t *roles)
{
    size_t i;
    json_t *v;
    uint32_t seen = 0;
    if (!json_is_array(roles) || json_array_size(roles) == 0 || json_array_size(roles) > 7) {
        dft_respond_field_error(r, "roles", "invalid", "roles must be a non-empty list of role names.");
        return NULL;
    }
    dft_buf_t b = {0};
    dft_buf_puts(&b, "{");
    json_array_foreach(roles, i, v)
    {
        const char *name = json_string_value(v);
        uint32_t bit = name ? dft_role_bit(name, strlen(name)) : 0;
        if (bit == 0 || (seen & bit)) {
            dft_buf_dispose(&b);
            dft_respond_field_error(r, "roles", "invalid", "roles holds an unknown or repeated role.");
            return NULL;
        }
        seen |= bit;
        dft_buf_printf(&b, "%s%s", i ? "," : "", name);
    }
    dft_buf_puts(&b, "}");
    const char *out = h2o_strdup(&r->h2o->pool, b.data, b.len).base;
    dft_buf_dispose(&b);
    return out;
}

/* ---------------------------------------------------------------- create */

typedef struct create_t {
    dft_task_t task; /* first */
    dft_req_t *req;
    char dept[32], uid[DFT_UID_LEN + 1], temp[13];
    char key[65], request_hash[65]; /* Idempotency-Key ("": none) and dft_kit_request_hash */
    char *name, *designation, *roles, *clearance, *hash;
} create_t;

static void create_free(create_t *c)
{
    if (c->req != NULL && c->req->pending == c)
        c->req->pending = NULL;
    dft_wipe(c->temp, sizeof(c->temp));
    free(c->name);
    free(c->designation);
    free(c->roles);
    free(c->clearance);
    free(c->hash);
    free(c);
}

static void create_detach(void *p)
{
    ((create_t *)p)->req = NULL;
}

static void on_created(void *ctx, const dft_db_reply_t *reply)
{
    create_t *c = ctx;
    dft_req_t *r = c->req;
    if (r != NULL) {
        if (reply->err.code != DFT_OK) {
            dft_respond_error(r, &reply->err);
        } else {
            /* {"replayed": bool, "officer": {...}} and, for a replay, "temporary": whether the officer
             * still has a temporary password, now this request's (daftar.officer_create_again) */
            json_t *j = reply->value ? json_loadb(reply->value, reply->len, 0, NULL) : NULL;
            json_t *officer = json_object_get(j, "officer"), *temporary = json_object_get(j, "temporary");
            char *out = NULL;
            if (json_is_object(officer)) {
                json_object_set_new(officer, "temporary_password",
                                    temporary == NULL || json_is_true(temporary) ? json_string(c->temp) : json_null());
                out = json_dumps(officer, JSON_COMPACT | JSON_PRESERVE_ORDER);
            }
            if (out == NULL) {
                dft_respond_code(r, DFT_E_INTERNAL, "officer_create returned unusable data");
            } else {
                if (json_is_true(json_object_get(j, "replayed")))
                    dft_add_header(r, "idempotent-replayed", "true");
                dft_respond_json(r, 201, out, strlen(out));
                dft_wipe(out, strlen(out));
                free(out);
            }
            json_decref(j);
        }
    }
    create_free(c);
}

static void on_serial(void *ctx, const dft_db_reply_t *reply)
{
    create_t *c = ctx;
    dft_req_t *r = c->req;
    if (r == NULL || reply->err.code != DFT_OK || reply->value == NULL) {
        if (r != NULL)
            dft_respond_error(r, &reply->err);
        create_free(c);
        return;
    }
    int64_t serial;
    if (dft_parse_int64(reply->value, reply->len, 1000000001, 9999999999ll, &serial) != 0) {
        dft_respond_code(r, DFT_E_INTERNAL, "officer serial out of range");
        create_free(c);
        return;
    }
    dft_uid_format((uint64_t)serial, c->uid);
    const char *params[] = {c->uid, c->dept, c->name, c->designation, c->roles, c->clearance, c->hash,
                            c->key[0] ? c->key : NULL, c->request_hash};
    dft_db_run_for(r, NULL, DFT_DB_WRITE, "officer_create", params, 9, on_created, c);
}

static void run_hash(dft_task_t *task)
{
    create_t *c = (create_t *)task;
    dft_buf_t h = {0};
    dft_password_temporary(c->temp);
    if (dft_password_hash(c->temp, strlen(c->temp), &h) == 0)
        c->hash = h.data;
}

static void on_hashed(dft_task_t *task)
{
    create_t *c = (create_t *)task;
    if (c->req == NULL || c->hash == NULL) {
        if (c->req != NULL) { /* the hashing helper was gone (lib/auth/hasher.c): a new one takes the retry */
            dft_error_t err = {.code = DFT_E_UNAVAILABLE, .detail = "Passwords cannot be set right now; retry shortly.",
                               .retry_after = 2};
            dft_respond_error(c->req, &err);
        }
        create_free(c);
        return;
    }
    dft_db_run_for(c->req, NULL, DFT_DB_WRITE, "officer_serial", NULL, 0, on_serial, c);
}

static void create_officer(dft_req_t *r)
{
    char dept[32];
    if (admin_of_dept(r, dept) != 0)
        return;
    static const char *const allowed[] = {"name", "designation", "roles", "clearance", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *name = dft_body_string(r, body, "name", 200), *designation, *roles, *clearance = "restricted";
    if (name == NULL || (designation = dft_body_optional_string(r, body, "designation", 200)) == NULL ||
        (roles = roles_literal(r, json_object_get(body, "roles"))) == NULL)
        return;
    json_t *cl = json_object_get(body, "clearance");
    if (cl != NULL) {
        const char *const *c = clearance_names;
        while (*c != NULL && !(json_is_string(cl) && strcmp(*c, json_string_value(cl)) == 0))
            ++c;
        if (*c == NULL) {
            dft_respond_field_error(r, "clearance", "invalid", "clearance must be unclassified, restricted, confidential or secret.");
            return;
        }
        clearance = *c;
        if ((int)(c - clearance_names) > (int)r->principal->clearance) {
            dft_respond_code(r, DFT_E_FORBIDDEN, "You cannot grant a clearance above your own.");
            return;
        }
    }
    const char *idem[2];
    if (dft_kit_idempotent(r, idem) != 0)
        return;
    create_t *c = dft_calloc(1, sizeof(*c));
    c->req = r;
    snprintf(c->key, sizeof(c->key), "%s", idem[0] != NULL ? idem[0] : "");
    snprintf(c->request_hash, sizeof(c->request_hash), "%s", idem[1]);
    memcpy(c->dept, dept, sizeof(c->dept));
    c->name = dft_strdup(name);
    c->designation = dft_strdup(designation);
    c->roles = dft_strdup(roles);
    c->clearance = dft_strdup(clearance);
    r->pending = c;
    r->detach = create_detach;
    c->task.run = run_hash;
    c->task.done = on_hashed;
    if (dft_worker_submit(r->thread, &c->task) != 0) {
        dft_error_t busy = {.code = DFT_E_UNAVAILABLE, .detail = "Too busy; retry shortly.", .retry_after = 2};
        dft_respond_error(r, &busy);
        create_free(c);
    }
}

/* ---------------------------------------------------------------- update */

/* A section code as files use them: [A-Z0-9][A-Z0-9-]{0,15}. */
static int section_valid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 16 || s[0] == '-')
        return 0;
    for (size_t i = 0; i < n; ++i)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

static void update_membership(dft_req_t *r)
{
    char dept[32], uid[DFT_UID_LEN + 1];
    if (admin_of_dept(r, dept) != 0)
        return;
    const dft_str_t *u = dft_req_param(r, "uid");
    if (!dft_uid_valid(u->base, u->len)) {
        dft_respond_code(r, DFT_E_NOT_FOUND, "No such officer in this department.");
        return;
    }
    snprintf(uid, sizeof(uid), "%.*s", (int)u->len, u->base);
    if (strcmp(uid, r->principal->uid) == 0) { /* the database refuses it too (memberships_not_self) */
        dft_respond_code(r, DFT_E_FORBIDDEN, "Nobody changes their own membership.");
        return;
    }
    static const char *const allowed[] = {"roles", "designation", "section", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    if (json_object_size(body) == 0) {
        dft_respond_field_error(r, "", "empty", "Send roles, designation, section or some of them.");
        return;
    }
    const char *roles = NULL, *designation = NULL, *section = NULL;
    if (json_object_get(body, "roles") != NULL && (roles = roles_literal(r, json_object_get(body, "roles"))) == NULL)
        return;
    if (json_object_get(body, "designation") != NULL && (designation = dft_body_optional_string(r, body, "designation", 200)) == NULL)
        return;
    if (json_object_get(body, "section") != NULL) {
        if ((section = dft_body_optional_string(r, body, "section", 16)) == NULL)
            return;
        if (!section_valid(section)) {
            dft_respond_field_error(r, "section", "invalid", "A section is 1-16 of A-Z, 0-9 and '-', starting with a letter or digit.");
            return;
        }
    }
    const char *params[] = {dept, uid, roles, designation, section};
    dft_db_respond(r, NULL, DFT_DB_WRITE, "membership_update", params, 5);
}

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/officers", .name = "createOfficer", .handler = create_officer},
    {.method = "PATCH", .path = "/v1/departments/{dept}/officers/{uid}", .name = "updateMembership",
     .handler = update_membership},
};

const dft_route_table_t dft_officer_routes = {routes, DFT_ARRAY_SIZE(routes)};
