/*
 * courses.c — the state's course catalogue (/v1/courses): every officer
 * reads published courses; training_admin of the department the state
 * named makes drafts, replaces them, publishes and retires them. A course
 * is validated here member by member (errors name the member, e.g.
 * modules[2].questions[0].answer) and goes to course_put as clean JSON; who
 * may write, and that answer keys never come back, is SQL
 * (sql/state/training/functions/course_*.sql, courses_policies.sql, and
 * the column privilege of 0002_courses.sql). Classroom batches of a course
 * (days, venue, capacity) are scheduled by training_admin too.
 *
 * Also the scope helpers the other training files share.
 */
#include "training_internal.h"

#include "../core/core.h"
#include "../kit/kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_COURSE "No such course."

int dft_training_scope(dft_req_t *r, int with_dept, dft_db_scope_t *scope)
{
    return dft_kit_state_scope(r, "training", with_dept, scope);
}

const char *dft_training_body_uuid(dft_req_t *r, json_t *body, const char *name)
{
    json_t *v = json_object_get(body, name);
    if (v == NULL) {
        dft_respond_field_error(r, name, "required", "This member is required.");
        return NULL;
    }
    if (!json_is_string(v) || !dft_uuid_valid(json_string_value(v), json_string_length(v))) {
        dft_respond_field_error(r, name, "invalid", "An id (UUID).");
        return NULL;
    }
    return json_string_value(v);
}

const char *dft_training_json_text(dft_req_t *r, const json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    const char *copy = h2o_strdup(&r->h2o->pool, text, SIZE_MAX).base;
    free(text);
    return copy;
}

void dft_training_on_found(dft_req_t *r, const dft_db_reply_t *reply, const char *missing)
{
    if (reply->err.code == DFT_OK && reply->value == NULL)
        dft_respond_code(r, DFT_E_NOT_FOUND, missing);
    else if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else
        dft_kit_respond_etag(r, 200, reply);
}

static void on_course(void *ctx, const dft_db_reply_t *reply)
{
    dft_training_on_found(ctx, reply, NO_COURSE);
}

/* ----------------------------------------------------- the course body */

/* A 400 naming the member at path[index].name (pool memory). */
static void member_error(dft_req_t *r, const char *path, const char *name, const char *reason, const char *message)
{
    char field[128];
    snprintf(field, sizeof(field), "%s.%s", path, name);
    dft_respond_field_error(r, h2o_strdup(&r->h2o->pool, field, SIZE_MAX).base, reason, message);
}

/* An object element of an array member with only `allowed` members; NULL after a 400. */
static json_t *element(dft_req_t *r, json_t *v, const char *path, const char *const *allowed)
{
    if (!json_is_object(v)) {
        dft_respond_field_error(r, h2o_strdup(&r->h2o->pool, path, SIZE_MAX).base, "invalid", "An object.");
        return NULL;
    }
    const char *key;
    json_t *m;
    json_object_foreach(v, key, m)
    {
        const char *const *a = allowed;
        while (*a != NULL && strcmp(*a, key) != 0)
            ++a;
        if (*a == NULL) {
            member_error(r, path, key, "unknown_field", "This field is not accepted here.");
            return NULL;
        }
    }
    return v;
}

/* Text of 1..max characters (0..max when optional) at path.name, copied into out; 0, or -1 after a 400. */
static int text_at(dft_req_t *r, json_t *obj, const char *path, const char *name, size_t max, int required, json_t *out)
{
    json_t *v = json_object_get(obj, name);
    if (v == NULL && !required)
        return 0;
    size_t chars = json_is_string(v) ? dft_utf8_chars(json_string_value(v), json_string_length(v)) : SIZE_MAX;
    if (chars == SIZE_MAX || chars == 0 || chars > max) {
        member_error(r, path, name, v == NULL ? "required" : "invalid",
                     max > 300 ? "A non-empty text of at most 1,000 characters." : "A non-empty text of at most 200 characters.");
        return -1;
    }
    json_object_set(out, name, v);
    return 0;
}

/* A whole number min..max at path.name (required), copied into out; 0, or -1 after a 400. */
static int int_at(dft_req_t *r, json_t *obj, const char *path, const char *name, json_int_t min, json_int_t max, json_t *out)
{
    json_t *v = json_object_get(obj, name);
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        char msg[80];
        snprintf(msg, sizeof(msg), "A whole number from %lld to %lld.", (long long)min, (long long)max);
        member_error(r, path, name, v == NULL ? "required" : "invalid", h2o_strdup(&r->h2o->pool, msg, SIZE_MAX).base);
        return -1;
    }
    json_object_set(out, name, v);
    return 0;
}

/* One question {text, options (2..6 texts of 1..300), answer (an index of options)}; 0, or -1 after a 400. */
static int question(dft_req_t *r, json_t *v, const char *path, json_t *list)
{
    static const char *const allowed[] = {"text", "options", "answer", NULL};
    json_t *q = json_object(), *opts = json_object_get(v, "options"), *o;
    json_array_append_new(list, q);
    if (element(r, v, path, allowed) == NULL || text_at(r, v, path, "text", 1000, 1, q) != 0)
        return -1;
    size_t i, n = json_is_array(opts) ? json_array_size(opts) : 0;
    int ok = n >= 2 && n <= 6;
    json_array_foreach(opts, i, o)
    {
        size_t chars = json_is_string(o) ? dft_utf8_chars(json_string_value(o), json_string_length(o)) : SIZE_MAX;
        ok &= chars != SIZE_MAX && chars >= 1 && chars <= 300;
    }
    if (!ok) {
        member_error(r, path, "options", opts == NULL ? "required" : "invalid",
                     "2 to 6 options, each a non-empty text of at most 300 characters.");
        return -1;
    }
    json_object_set(q, "options", opts);
    return int_at(r, v, path, "answer", 0, (json_int_t)n - 1, q);
}

/* One module {title, title_hi?, min_seconds, questions?}; 0, or -1 after a 400. */
static int module(dft_req_t *r, json_t *v, const char *path, json_t *list)
{
    static const char *const allowed[] = {"title", "title_hi", "min_seconds", "questions", NULL};
    json_t *m = json_object(), *qs = json_object_get(v, "questions"), *q;
    json_array_append_new(list, m);
    if (element(r, v, path, allowed) == NULL || text_at(r, v, path, "title", 200, 1, m) != 0 ||
        text_at(r, v, path, "title_hi", 200, 0, m) != 0 || int_at(r, v, path, "min_seconds", 0, 86400, m) != 0)
        return -1;
    if (qs != NULL && (!json_is_array(qs) || json_array_size(qs) > 50)) {
        member_error(r, path, "questions", "invalid", "At most 50 questions.");
        return -1;
    }
    json_t *out = json_array();
    json_object_set_new(m, "questions", out);
    size_t i;
    json_array_foreach(qs, i, q)
    {
        char p[96];
        snprintf(p, sizeof(p), "%s.questions[%zu]", path, i);
        if (question(r, q, p, out) != 0)
            return -1;
    }
    return 0;
}

/* The modules member (1..50) as clean JSON text; NULL after a 400. */
static const char *modules_json(dft_req_t *r, json_t *body)
{
    json_t *mods = json_object_get(body, "modules"), *v;
    if (!json_is_array(mods) || json_array_size(mods) < 1 || json_array_size(mods) > 50) {
        dft_respond_field_error(r, "modules", mods == NULL ? "required" : "invalid", "1 to 50 modules.");
        return NULL;
    }
    json_t *out = json_array();
    size_t i;
    json_array_foreach(mods, i, v)
    {
        char path[32];
        snprintf(path, sizeof(path), "modules[%zu]", i);
        if (module(r, v, path, out) != 0) {
            json_decref(out);
            return NULL;
        }
    }
    const char *text = dft_training_json_text(r, out);
    json_decref(out);
    return text;
}

/* competencies: at most 20 distinct texts of 1..100, as JSON text ("[]" when absent); NULL after a 400. */
static const char *competencies_json(dft_req_t *r, json_t *body)
{
    json_t *c = json_object_get(body, "competencies"), *v;
    if (c == NULL)
        return "[]";
    size_t i;
    int ok = json_is_array(c) && json_array_size(c) <= 20;
    json_array_foreach(c, i, v)
    {
        size_t chars = json_is_string(v) ? dft_utf8_chars(json_string_value(v), json_string_length(v)) : SIZE_MAX;
        ok &= chars != SIZE_MAX && chars >= 1 && chars <= 100;
    }
    if (!ok) {
        dft_respond_field_error(r, "competencies", "invalid", "At most 20 competencies, each a text of 1 to 100 characters.");
        return NULL;
    }
    return dft_training_json_text(r, c);
}

/* The code member: ^[A-Z0-9][A-Z0-9-]{1,19}$; NULL after a 400. */
static const char *body_code(dft_req_t *r, json_t *body)
{
    const char *code = dft_body_string(r, body, "code", 20);
    if (code == NULL)
        return NULL;
    size_t n = strlen(code);
    if (n < 2 || code[0] == '-' || strspn(code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != n) {
        dft_respond_field_error(r, "code", "invalid", "A course code: 2 to 20 of A-Z, 0-9 and -, e.g. CYB-101.");
        return NULL;
    }
    return code;
}

/* Writes a course: create (id NULL) or replace a draft at version. */
static void put_course(dft_req_t *r, const dft_db_scope_t *scope, const char *id, const char *version,
                       void (*cb)(void *, const dft_db_reply_t *))
{
    static const char *const allowed[] = {"code", "title", "title_hi", "provider", "competencies", "pass_mark",
                                          "validity_months", "max_attempts", "status", "modules", NULL};
    static const char *const statuses[] = {"draft", "published", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *code, *title, *title_hi, *provider, *competencies, *pass, *validity, *attempts, *status, *modules;
    if (body == NULL || (code = body_code(r, body)) == NULL || (title = dft_body_text(r, body, "title", 200, 1)) == NULL ||
        (title_hi = dft_body_text(r, body, "title_hi", 200, 1)) == NULL ||
        (provider = dft_body_text(r, body, "provider", 200, 1)) == NULL ||
        (competencies = competencies_json(r, body)) == NULL ||
        (pass = dft_kit_body_int(r, body, "pass_mark", 0, 100, NULL)) == NULL ||
        (validity = dft_kit_body_int(r, body, "validity_months", 1, 120, "")) == NULL ||
        (attempts = dft_kit_body_int(r, body, "max_attempts", 1, 10, "3")) == NULL ||
        (status = dft_kit_body_enum(r, body, "status", statuses, "draft")) == NULL || (modules = modules_json(r, body)) == NULL)
        return;
    const char *params[] = {id, version, code, title, title_hi, provider, competencies, pass, validity[0] ? validity : NULL,
                            attempts, status, modules};
    dft_db_run(r, scope, DFT_DB_WRITE, "course_put", params, 12, cb, r);
}

/* ------------------------------------------------------------ handlers */

static const char *const list_query[] = {"status", "limit", "cursor", NULL};

static void list_courses(dft_req_t *r)
{
    dft_db_scope_t scope;
    static const char *const statuses[] = {"draft", "published", "retired", NULL};
    const char *status, *cursor;
    char limit[8];
    if (dft_training_scope(r, 0, &scope) != 0 || (status = dft_kit_query_enum(r, "status", statuses, "")) == NULL ||
        dft_req_limit(r, limit) != 0 || (cursor = dft_kit_cursor(r)) == NULL)
        return;
    const char *params[] = {status, h2o_strdup(&r->h2o->pool, limit, SIZE_MAX).base, cursor};
    dft_db_respond(r, &scope, DFT_DB_READ, "courses_list", params, 3);
}

static void create_course(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_training_scope(r, 0, &scope) == 0)
        put_course(r, &scope, NULL, NULL, dft_kit_on_etag_created);
}

static int course_target(dft_req_t *r, dft_db_scope_t *scope, char id[37])
{
    return dft_training_scope(r, 0, scope) != 0 || dft_kit_path_uuid(r, "course_id", NO_COURSE, id) != 0 ? -1 : 0;
}

static void get_course(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (course_target(r, &scope, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_run(r, &scope, DFT_DB_READ, "course_get", params, 1, on_course, r);
}

static void replace_course(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *version;
    if (course_target(r, &scope, id) != 0 || (version = dft_kit_if_match(r, "course", 1)) == NULL)
        return;
    put_course(r, &scope, h2o_strdup(&r->h2o->pool, id, 36).base, version, dft_kit_on_etag);
}

static void set_course_status(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *version, *status;
    if (course_target(r, &scope, id) != 0 || (version = dft_kit_if_match(r, "course", 1)) == NULL)
        return;
    static const char *const allowed[] = {"status", NULL};
    static const char *const statuses[] = {"published", "retired", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL || (status = dft_kit_body_enum(r, body, "status", statuses, NULL)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, version, status};
    dft_db_run(r, &scope, DFT_DB_WRITE, "course_status", params, 3, dft_kit_on_etag, r);
}

/* Classroom batches of a course: training_admin schedules one (days, venue, capacity); every officer who
 * reads the course reads its batches, with how many are seated and waiting (batch_*.sql). */
static void create_batch(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (course_target(r, &scope, id) != 0)
        return;
    static const char *const allowed[] = {"starts_on", "ends_on", "venue", "capacity", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *starts = NULL, *ends = NULL, *venue, *capacity;
    if (body == NULL || dft_kit_body_date(r, body, "starts_on", &starts) != 0 ||
        dft_kit_body_date(r, body, "ends_on", &ends) != 0 || (venue = dft_body_text(r, body, "venue", 200, 1)) == NULL ||
        (capacity = dft_kit_body_int(r, body, "capacity", 1, 1000, NULL)) == NULL)
        return;
    if (starts == NULL || ends == NULL) {
        dft_respond_field_error(r, starts == NULL ? "starts_on" : "ends_on", "required", "The batch's first and last days.");
        return;
    }
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, starts, ends, venue, capacity, NULL, NULL};
    if (dft_kit_idempotent(r, params + 5) == 0)
        dft_db_run(r, &scope, DFT_DB_WRITE, "batch_create", params, 7, dft_kit_on_created, r);
}

static void list_batches(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (course_target(r, &scope, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "batches_list", params, 1);
}

/* training_admin changes a batch before it begins (If-Match: its version): any of its days, venue and
 * capacity, or {"status": "cancelled", "reason": ...}, which gives up every place (batch_change.sql). */
static void change_batch(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37], batch[37];
    const char *version;
    if (course_target(r, &scope, id) != 0 || dft_kit_path_uuid(r, "batch_id", "No such batch of this course.", batch) != 0 ||
        (version = dft_kit_if_match(r, "batch", 1)) == NULL)
        return;
    static const char *const allowed[] = {"starts_on", "ends_on", "venue", "capacity", "status", "reason", NULL};
    static const char *const statuses[] = {"cancelled", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *starts = NULL, *ends = NULL, *venue = NULL, *capacity = NULL, *status = NULL, *reason = NULL;
    if (body == NULL || dft_kit_body_date(r, body, "starts_on", &starts) != 0 || dft_kit_body_date(r, body, "ends_on", &ends) != 0)
        return;
    if ((json_object_get(body, "venue") != NULL && (venue = dft_body_text(r, body, "venue", 200, 1)) == NULL) ||
        (json_object_get(body, "capacity") != NULL && (capacity = dft_kit_body_int(r, body, "capacity", 1, 1000, NULL)) == NULL) ||
        (json_object_get(body, "status") != NULL && (status = dft_kit_body_enum(r, body, "status", statuses, NULL)) == NULL) ||
        (json_object_get(body, "reason") != NULL && (reason = dft_body_text(r, body, "reason", 500, 1)) == NULL))
        return;
    int changes = starts != NULL || ends != NULL || venue != NULL || capacity != NULL;
    if ((status != NULL) != (reason != NULL) || (status != NULL && changes) || (status == NULL && !changes)) {
        dft_respond_field_error(r, status != NULL || reason != NULL ? "reason" : "status", "invalid",
                                "Send new days, venue or capacity; or status \"cancelled\" with its reason, alone.");
        return;
    }
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, h2o_strdup(&r->h2o->pool, batch, 36).base, version,
                            starts, ends, venue, capacity, reason};
    dft_db_run(r, &scope, DFT_DB_WRITE, "batch_change", params, 8, dft_kit_on_etag, r);
}

static const dft_route_t routes[] = {
    {.method = "GET", .path = "/v1/courses", .name = "listCourses", .handler = list_courses, .query = list_query},
    {.method = "POST", .path = "/v1/courses", .name = "createCourse", .handler = create_course},
    {.method = "GET", .path = "/v1/courses/{course_id}", .name = "getCourse", .handler = get_course},
    {.method = "PUT", .path = "/v1/courses/{course_id}", .name = "replaceCourse", .handler = replace_course},
    {.method = "PATCH", .path = "/v1/courses/{course_id}", .name = "setCourseStatus", .handler = set_course_status},
    {.method = "GET", .path = "/v1/courses/{course_id}/batches", .name = "listBatches", .handler = list_batches},
    {.method = "POST", .path = "/v1/courses/{course_id}/batches", .name = "createBatch", .handler = create_batch},
    {.method = "PATCH", .path = "/v1/courses/{course_id}/batches/{batch_id}", .name = "changeBatch", .handler = change_batch},
};
const dft_route_table_t dft_course_routes = {routes, DFT_ARRAY_SIZE(routes)};
