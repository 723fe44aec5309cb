/*
 * kit.c — see kit.h: the request helpers every resource family uses (the
 * department of the path, path and query parameters, body members, the
 * Idempotency-Key header, ETag and 201-or-replay replies).
 */
#include "kit.h"

#include "../auth/crypto.h"
#include "../auth/uid.h"
#include "../core/core.h"
#include "../tenant/tenant.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int dft_kit_dept_scope(dft_req_t *r, dft_db_scope_t *scope)
{
    dft_code_t rc = dft_tenant_resolve(r, dft_req_param(r, "dept"), scope);
    if (rc == DFT_OK)
        return 0;
    dft_respond_code(r, rc, rc == DFT_E_NOT_FOUND ? "No department has this code." : NULL);
    return -1;
}

int dft_kit_state_scope(dft_req_t *r, const char *name, int with_dept, dft_db_scope_t *scope)
{
    dft_code_t rc = dft_tenant_state(r, name, with_dept ? dft_req_param(r, "dept") : NULL, scope);
    if (rc == DFT_OK)
        return 0;
    dft_respond_code(r, rc, rc == DFT_E_NOT_FOUND ? "No department has this code." : NULL);
    return -1;
}

int dft_kit_path_uid(dft_req_t *r, const char *name, const char *missing, char out[12])
{
    const dft_str_t *uid = dft_req_param(r, name);
    if (uid->len != 11 || !dft_uid_valid(uid->base, uid->len)) {
        dft_respond_code(r, DFT_E_NOT_FOUND, missing);
        return -1;
    }
    memcpy(out, uid->base, 11);
    out[11] = '\0';
    return 0;
}

const char *dft_kit_if_match(dft_req_t *r, const char *thing, int required)
{
    ssize_t i = h2o_find_header(&r->h2o->headers, H2O_TOKEN_IF_MATCH, -1);
    if (i < 0 && !required)
        return "";
    char msg[160];
    if (i < 0) {
        snprintf(msg, sizeof(msg), "Send If-Match with the %s's ETag.", thing);
        dft_respond_code(r, DFT_E_PRECONDITION_REQUIRED, h2o_strdup(&r->h2o->pool, msg, SIZE_MAX).base);
        return NULL;
    }
    h2o_iovec_t m = r->h2o->headers.entries[i].value;
    int64_t version;
    if (m.len < 3 || m.base[0] != '"' || m.base[m.len - 1] != '"' ||
        dft_parse_int64(m.base + 1, m.len - 2, 1, INT32_MAX, &version) != 0) {
        snprintf(msg, sizeof(msg), "If-Match does not name a version of this %s.", thing);
        dft_respond_code(r, DFT_E_PRECONDITION_FAILED, h2o_strdup(&r->h2o->pool, msg, SIZE_MAX).base);
        return NULL;
    }
    return h2o_strdup(&r->h2o->pool, m.base + 1, m.len - 2).base;
}

int dft_kit_path_uuid(dft_req_t *r, const char *name, const char *missing, char out[37])
{
    const dft_str_t *id = dft_req_param(r, name);
    if (!dft_uuid_valid(id->base, id->len)) {
        dft_respond_code(r, DFT_E_NOT_FOUND, missing);
        return -1;
    }
    memcpy(out, id->base, 36);
    out[36] = '\0';
    return 0;
}

const char *dft_kit_path_number(dft_req_t *r, const char *name, int64_t max, const char *missing)
{
    const dft_str_t *n = dft_req_param(r, name);
    int64_t v;
    if (dft_parse_int64(n->base, n->len, 1, max, &v) != 0) {
        dft_respond_code(r, DFT_E_NOT_FOUND, missing);
        return NULL;
    }
    return h2o_strdup(&r->h2o->pool, n->base, n->len).base;
}

const char *const dft_kit_page_query[] = {"limit", "cursor", NULL};

const char *dft_kit_cursor(dft_req_t *r)
{
    const dft_str_t *cursor = dft_req_query(r, "cursor");
    if (cursor == NULL || cursor->len == 0)
        return "";
    const char *us = memchr(cursor->base, '_', cursor->len);
    size_t digits = us ? (size_t)(us - cursor->base) : 0;
    if (us == NULL || digits == 0 || digits > 19 || strspn(cursor->base, "0123456789") < digits ||
        !dft_uuid_valid(us + 1, cursor->len - digits - 1)) {
        dft_respond_field_error(r, "cursor", "malformed", "cursor must be a next_cursor value from a previous page.");
        return NULL;
    }
    return h2o_strdup(&r->h2o->pool, cursor->base, cursor->len).base;
}

void dft_kit_cursor_at(dft_req_t *r, const char *cursor, const char **at, const char **id)
{
    char when[48] = "infinity", uuid[37] = "ffffffff-ffff-ffff-ffff-ffffffffffff";
    const char *us = strchr(cursor, '_');
    if (us != NULL) {
        unsigned long long micros = strtoull(cursor, NULL, 10); /* at most 19 digits */
        time_t secs = (time_t)(micros / 1000000u);
        struct tm tm;
        if (micros < 9000000000000000ull && gmtime_r(&secs, &tm) != NULL) /* before 2255 */
            snprintf(when, sizeof(when), "%04d-%02d-%02d %02d:%02d:%02d.%06llu+00", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros % 1000000u);
        snprintf(uuid, sizeof(uuid), "%s", us + 1);
    }
    *at = h2o_strdup(&r->h2o->pool, when, SIZE_MAX).base;
    *id = h2o_strdup(&r->h2o->pool, uuid, SIZE_MAX).base;
}

int dft_kit_numbered_page(dft_req_t *r, char limit[8], char after[12])
{
    const dft_str_t *c = dft_req_query(r, "cursor");
    int64_t a = 0;
    if (dft_kit_page_limit(r, limit) != 0)
        return -1;
    if (c != NULL && c->len > 0 && dft_parse_int64(c->base, c->len, 1, 1000000000, &a) != 0) {
        dft_respond_field_error(r, "cursor", "malformed", "cursor must be a next_cursor value from a previous page.");
        return -1;
    }
    snprintf(after, 12, "%lld", (long long)a);
    return 0;
}

int dft_kit_page_limit(dft_req_t *r, char limit[8])
{
    if (dft_req_query(r, "limit") != NULL)
        return dft_req_limit(r, limit);
    snprintf(limit, 8, "100");
    return 0;
}

static int one_of(const char *const *set, const char *s, size_t len)
{
    for (; *set != NULL; ++set)
        if (strlen(*set) == len && memcmp(*set, s, len) == 0)
            return 1;
    return 0;
}

const char *dft_kit_body_enum(dft_req_t *r, json_t *body, const char *name, const char *const *set, const char *def)
{
    json_t *v = json_object_get(body, name);
    if (v == NULL) {
        if (def == NULL)
            dft_respond_field_error(r, name, "required", "This member is required.");
        return def;
    }
    if (!json_is_string(v) || !one_of(set, json_string_value(v), json_string_length(v))) {
        dft_respond_field_error(r, name, "invalid", "This value is not one of those allowed.");
        return NULL;
    }
    return json_string_value(v);
}

const char *dft_kit_query_enum(dft_req_t *r, const char *name, const char *const *set, const char *def)
{
    const dft_str_t *v = dft_req_query(r, name);
    if (v == NULL)
        return def;
    if (!one_of(set, v->base, v->len)) {
        dft_respond_field_error(r, name, "invalid", "This value is not one of those allowed.");
        return NULL;
    }
    return h2o_strdup(&r->h2o->pool, v->base, v->len).base;
}

void dft_kit_request_hash(dft_req_t *r, char hash[65])
{
    h2o_req_t *req = r->h2o;
    dft_buf_t b = {0};
    dft_buf_append(&b, req->method.base, req->method.len);
    dft_buf_append(&b, " ", 1);
    dft_buf_append(&b, req->path.base, req->path.len);
    dft_buf_append(&b, "\n", 1);
    if (req->entity.base != NULL)
        dft_buf_append(&b, req->entity.base, req->entity.len);
    dft_sha256_hex(b.data, b.len, hash);
    dft_buf_dispose(&b);
}

int dft_kit_idempotent(dft_req_t *r, const char *keyed[2])
{
    char hash[65];
    if (dft_kit_idempotency_key(r, &keyed[0]) != 0)
        return -1;
    dft_kit_request_hash(r, hash);
    keyed[1] = h2o_strdup(&r->h2o->pool, hash, 64).base;
    return 0;
}

int dft_kit_idempotency_key(dft_req_t *r, const char **key)
{
    *key = NULL;
    ssize_t i = h2o_find_header_by_str(&r->h2o->headers, H2O_STRLIT("idempotency-key"), -1);
    if (i < 0)
        return 0;
    h2o_iovec_t v = r->h2o->headers.entries[i].value;
    if (!dft_request_id_valid(v.base, v.len)) {
        dft_respond_field_error(r, "Idempotency-Key", "invalid", "Idempotency-Key is 1-64 of A-Za-z0-9._:-");
        return -1;
    }
    *key = h2o_strdup(&r->h2o->pool, v.base, v.len).base;
    return 0;
}

void dft_kit_respond_etag(dft_req_t *r, int status, const dft_db_reply_t *reply)
{
    size_t vlen = 0;
    const char *version = dft_db_reply_field(reply, 1, &vlen);
    if (version != NULL && vlen < 12) {
        char etag[16];
        snprintf(etag, sizeof(etag), "\"%.*s\"", (int)vlen, version);
        dft_add_header(r, "etag", etag);
    }
    dft_respond_json(r, status, reply->value, reply->len);
}

static void reply_etag(dft_req_t *r, int status, const dft_db_reply_t *reply)
{
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else
        dft_kit_respond_etag(r, status, reply);
}

void dft_kit_on_etag(void *ctx, const dft_db_reply_t *reply)
{
    reply_etag(ctx, 200, reply);
}

void dft_kit_on_etag_created(void *ctx, const dft_db_reply_t *reply)
{
    reply_etag(ctx, 201, reply);
}

void dft_kit_on_put(void *ctx, const dft_db_reply_t *reply)
{
    size_t len;
    const char *created = dft_db_reply_field(reply, 2, &len);
    reply_etag(ctx, created != NULL && created[0] == 't' ? 201 : 200, reply);
}

void dft_kit_on_json_created(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else
        dft_respond_json(r, 201, reply->value, reply->len);
}

char *dft_kit_created_thing(dft_req_t *r, const dft_db_reply_t *reply)
{
    json_t *j = reply->value ? json_loadb(reply->value, reply->len, 0, NULL) : NULL, *created = NULL, *v;
    const char *name;
    json_object_foreach(j, name, v) {
        if (strcmp(name, "replayed") != 0)
            created = v;
    }
    char *out = created ? json_dumps(created, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (out == NULL)
        dft_respond_code(r, DFT_E_INTERNAL, "a create statement returned unusable data");
    else if (json_is_true(json_object_get(j, "replayed")))
        dft_add_header(r, "idempotent-replayed", "true");
    json_decref(j);
    return out;
}

void dft_kit_on_created(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK) {
        dft_respond_error(r, &reply->err);
        return;
    }
    char *out = dft_kit_created_thing(r, reply);
    if (out == NULL)
        return;
    dft_db_reply_t shown = *reply;
    shown.value = out;
    shown.len = strlen(out);
    dft_kit_respond_etag(r, 201, &shown);
    free(out);
}

const char *dft_kit_body_uuid(dft_req_t *r, json_t *body, const char *name)
{
    const char *id = dft_body_string(r, body, name, 36);
    if (id != NULL && !dft_uuid_valid(id, strlen(id))) {
        dft_respond_field_error(r, name, "invalid", "This member is an id (a UUID).");
        return NULL;
    }
    return id;
}

const char *dft_kit_body_uid(dft_req_t *r, json_t *body, const char *name)
{
    const char *uid = dft_body_string(r, body, name, 16);
    if (uid != NULL && !dft_uid_valid(uid, strlen(uid))) {
        dft_respond_field_error(r, name, "check_digit", "This is not a valid UID.");
        return NULL;
    }
    return uid;
}

const char *dft_kit_body_int(dft_req_t *r, json_t *body, const char *name, int64_t min, int64_t max, const char *def)
{
    json_t *v = json_object_get(body, name);
    if (v == NULL) {
        if (def == NULL)
            dft_respond_field_error(r, name, "required", "This member is required.");
        return def;
    }
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        char msg[96];
        snprintf(msg, sizeof(msg), "A whole number from %lld to %lld.", (long long)min, (long long)max);
        dft_respond_field_error(r, name, "invalid", h2o_strdup(&r->h2o->pool, msg, SIZE_MAX).base);
        return NULL;
    }
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
    return h2o_strdup(&r->h2o->pool, buf, SIZE_MAX).base;
}

int dft_kit_query_time(dft_req_t *r, const char *name, const char **out)
{
    const dft_str_t *v = dft_req_query(r, name);
    *out = "";
    if (v == NULL)
        return 0;
    if (!dft_time_valid(v->base, v->len)) {
        dft_respond_field_error(r, name, "invalid", "A time is RFC 3339: YYYY-MM-DDTHH:MM:SSZ or with an offset (+05:30).");
        return -1;
    }
    char *t = h2o_strdup(&r->h2o->pool, v->base, v->len).base;
    for (char *c = t; *c != '\0'; ++c) /* PostgreSQL reads T and Z, not t and z */
        if (*c == 't' || *c == 'z')
            *c = (char)(*c - 'a' + 'A');
    *out = t;
    return 0;
}

int dft_kit_body_date(dft_req_t *r, json_t *body, const char *name, const char **out)
{
    *out = NULL;
    if (json_object_get(body, name) == NULL)
        return 0;
    const char *d = dft_body_string(r, body, name, 10);
    if (d == NULL)
        return -1;
    if (!dft_date_valid(d, strlen(d))) {
        dft_respond_field_error(r, name, "invalid", "A date is YYYY-MM-DD.");
        return -1;
    }
    *out = d;
    return 0;
}

int dft_kit_query_date(dft_req_t *r, const char *name, const char **out)
{
    const dft_str_t *v = dft_req_query(r, name);
    *out = "";
    if (v == NULL)
        return 0;
    if (!dft_date_valid(v->base, v->len)) {
        dft_respond_field_error(r, name, "invalid", "A date is YYYY-MM-DD.");
        return -1;
    }
    *out = h2o_strdup(&r->h2o->pool, v->base, v->len).base;
    return 0;
}

const char *dft_kit_query_text(dft_req_t *r, const char *name)
{
    const dft_str_t *v = dft_req_query(r, name);
    if (v == NULL)
        return "";
    if (v->len > 200 || memchr(v->base, '\0', v->len) != NULL) {
        dft_respond_field_error(r, name, "invalid", "Search for at most 200 bytes of text.");
        return NULL;
    }
    return h2o_strdup(&r->h2o->pool, v->base, v->len).base;
}

void dft_kit_list_page(dft_req_t *r, const char *stmt)
{
    dft_db_scope_t scope;
    char limit[8];
    const char *cursor;
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_req_limit(r, limit) != 0 || (cursor = dft_kit_cursor(r)) == NULL)
        return;
    const char *params[] = {cursor, h2o_strdup(&r->h2o->pool, limit, SIZE_MAX).base};
    dft_db_respond(r, &scope, DFT_DB_READ, stmt, params, 2);
}
