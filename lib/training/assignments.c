/*
 * assignments.c — mandatory courses and enrolment: a department's nodal
 * officer (training_nodal) assigns a published course to an audience of the
 * department with a deadline and a target, and syncs its roster; the
 * state's training_admin assigns one to every department; officers see
 * what reaches them (GET /v1/me/training) and enrol themselves; the nodal
 * officer enrols a list of officers (a JSON list or a CSV of UIDs): each
 * row stands alone (a bad row is refused with its reason, the others go
 * on) and a row enrolled already is 'already' (idempotent). Who may, and
 * whom a department reaches, is SQL (sql/state/training/functions/
 * assignment_*.sql, enrol*.sql, nodal.sql, the *_policies.sql).
 */
#include "training_internal.h"

#include "../auth/auth.h"
#include "../auth/uid.h"
#include "../core/core.h"
#include "../kit/kit.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NO_ASSIGNMENT "No such assignment in this department."
#define MAX_ROWS 1000

static const char *const page_query[] = {"limit", "cursor", NULL};

/* ------------------------------------------------------------ assignments */

/* A pay level of the pay matrix or a range of them: "10" or "10-12" (1-18, the first not above the last). */
static int pay_levels_valid(const char *v)
{
    int lo = 0, hi = 0, *at = &lo;
    for (const char *p = v; *p != '\0'; p++) {
        if (*p == '-' && at == &lo && p != v && p[1] != '\0')
            at = &hi;
        else if (*p >= '0' && *p <= '9' && *at < 100 && !(*at == 0 && *p == '0'))
            *at = *at * 10 + (*p - '0');
        else
            return 0;
    }
    if (at == &lo)
        hi = lo;
    return lo >= 1 && hi <= 18 && lo <= hi;
}

/* The assignment body into params[1..5] (course, audience, value, deadline, target); 0, or -1 after a 400. */
static int assignment_body(dft_req_t *r, const char **params)
{
    static const char *const allowed[] = {"course_id", "audience", "audience_value", "deadline", "target", NULL};
    static const char *const audiences[] = {"department", "role", "designation", "section", "pay_level", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *course, *audience, *value, *deadline = NULL, *target;
    if (body == NULL || (course = dft_training_body_uuid(r, body, "course_id")) == NULL ||
        (audience = dft_kit_body_enum(r, body, "audience", audiences, "department")) == NULL ||
        (value = dft_body_text(r, body, "audience_value", 100, 0)) == NULL ||
        dft_kit_body_date(r, body, "deadline", &deadline) != 0 ||
        (target = dft_kit_body_int(r, body, "target", 1, 100, "100")) == NULL)
        return -1;
    int whole = strcmp(audience, "department") == 0;
    size_t n = strlen(value);
    if (whole != (n == 0) || (strcmp(audience, "role") == 0 && dft_role_bit(value, n) == 0) ||
        (strcmp(audience, "section") == 0 &&
         (n > 16 || value[0] == '-' || strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != n)) ||
        (strcmp(audience, "pay_level") == 0 && !pay_levels_valid(value))) {
        dft_respond_field_error(r, "audience_value", whole ? "invalid" : "required",
                                "audience_value names the role, designation, section (its code) or pay level (\"10\", "
                                "\"10-12\") of such an audience, and is absent for the whole department.");
        return -1;
    }
    if (deadline == NULL) {
        dft_respond_field_error(r, "deadline", "required", "The date by which the course is completed.");
        return -1;
    }
    params[1] = course;
    params[2] = audience;
    params[3] = value;
    params[4] = deadline;
    params[5] = target;
    return 0;
}

static void create_assignment(dft_req_t *r)
{
    dft_db_scope_t scope;
    const char *params[8] = {"false"};
    if (dft_training_scope(r, 1, &scope) == 0 && assignment_body(r, params) == 0 && dft_kit_idempotent(r, params + 6) == 0)
        dft_db_run(r, &scope, DFT_DB_WRITE, "assignment_create", params, 8, dft_kit_on_created, r);
}

static void create_state_assignment(dft_req_t *r)
{
    dft_db_scope_t scope;
    const char *params[8] = {"true"};
    if (dft_training_scope(r, 0, &scope) == 0 && assignment_body(r, params) == 0 && dft_kit_idempotent(r, params + 6) == 0)
        dft_db_run(r, &scope, DFT_DB_WRITE, "assignment_create", params, 8, dft_kit_on_created, r);
}

static void list_assignments(dft_req_t *r)
{
    dft_db_scope_t scope;
    const char *cursor;
    char limit[8];
    if (dft_training_scope(r, 1, &scope) != 0 || dft_req_limit(r, limit) != 0 || (cursor = dft_kit_cursor(r)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, limit, SIZE_MAX).base, cursor};
    dft_db_respond(r, &scope, DFT_DB_READ, "assignments_list", params, 2);
}

static int assignment_target(dft_req_t *r, dft_db_scope_t *scope, const char **id)
{
    char buf[37];
    if (dft_training_scope(r, 1, scope) != 0 || dft_kit_path_uuid(r, "assignment_id", NO_ASSIGNMENT, buf) != 0)
        return -1;
    *id = h2o_strdup(&r->h2o->pool, buf, 36).base;
    return 0;
}

static void on_assignment(void *ctx, const dft_db_reply_t *reply)
{
    dft_training_on_found(ctx, reply, NO_ASSIGNMENT);
}

static void get_assignment(dft_req_t *r)
{
    dft_db_scope_t scope;
    const char *params[1];
    if (assignment_target(r, &scope, &params[0]) == 0)
        dft_db_run(r, &scope, DFT_DB_READ, "assignment_get", params, 1, on_assignment, r);
}

static void sync_assignment(dft_req_t *r)
{
    dft_db_scope_t scope;
    const char *params[1];
    if (assignment_target(r, &scope, &params[0]) == 0)
        dft_db_respond(r, &scope, DFT_DB_WRITE, "assignment_sync", params, 1);
}

/* -------------------------------------------------------------- enrolment */

static void get_my_training(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_training_scope(r, 0, &scope) == 0)
        dft_db_respond(r, &scope, DFT_DB_READ, "training_mine", NULL, 0);
}

static void enrol_me(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_training_scope(r, 0, &scope) != 0)
        return;
    static const char *const allowed[] = {"course_id", "batch_id", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *course, *batch = NULL;
    if (body == NULL || (course = dft_training_body_uuid(r, body, "course_id")) == NULL ||
        (json_object_get(body, "batch_id") != NULL && (batch = dft_training_body_uuid(r, body, "batch_id")) == NULL))
        return;
    const char *params[] = {course, batch};
    dft_db_run(r, &scope, DFT_DB_WRITE, "enrol_self", params, 2, dft_kit_on_put, r);
}

/* The rows of a bulk enrolment: those well-formed (for the database) and those refused here. */
typedef struct rows_t {
    json_t *ok, *refused;
    size_t n;
} rows_t;

/* One row's UID text (len bytes, not NUL-terminated): to ok, or to refused with its reason. The text is
 * echoed only when it is short printable ASCII, so a reply never carries what a client should not see. */
static void row_add(rows_t *rows, size_t row, const char *uid, size_t len)
{
    if (len == 11 && dft_uid_valid(uid, len)) {
        json_array_append_new(rows->ok, json_pack("{s:I,s:s%}", "row", (json_int_t)row, "uid", uid, len));
        return;
    }
    int printable = len <= 32;
    for (size_t i = 0; i < len && printable; ++i)
        printable = uid[i] >= 0x20 && uid[i] < 0x7f;
    json_array_append_new(rows->refused, json_pack("{s:I,s:s%,s:s}", "row", (json_int_t)row, "uid", printable ? uid : "",
                                                   printable ? len : 0, "reason",
                                                   "Not a UID (11 digits, the last a check digit)."));
}

/* The uids member of a JSON body: 1..MAX_ROWS entries; 0, or -1 after a 400. */
static int json_rows(dft_req_t *r, json_t *body, rows_t *rows)
{
    json_t *uids = json_object_get(body, "uids"), *v;
    if (!json_is_array(uids) || json_array_size(uids) < 1 || json_array_size(uids) > MAX_ROWS) {
        dft_respond_field_error(r, "uids", uids == NULL ? "required" : "invalid", "1 to 1,000 UIDs.");
        return -1;
    }
    size_t i;
    json_array_foreach(uids, i, v)
    {
        if (json_is_string(v))
            row_add(rows, i + 1, json_string_value(v), json_string_length(v));
        else
            row_add(rows, i + 1, "", 0);
    }
    return 0;
}

/* A CSV body: a UID in the first field of each line (a header line naming `uid` is skipped, blank lines
 * too; a field may be quoted); row numbers are line numbers. 0, or -1 after a 400. */
static int csv_rows(dft_req_t *r, rows_t *rows)
{
    h2o_iovec_t b = r->h2o->entity;
    if (b.base == NULL || b.len == 0) {
        dft_respond_field_error(r, "", "required", "A CSV body with a UID a line.");
        return -1;
    }
    if (b.len > (size_t)r->thread->server->config->max_body) {
        dft_respond_code(r, DFT_E_TOO_LARGE, "The body is larger than this server accepts.");
        return -1;
    }
    size_t line = 0, count = 0;
    for (const char *p = b.base, *end = b.base + b.len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
        ++line;
        const char *f = p, *fe = memchr(p, ',', (size_t)(eol - p));
        if (fe == NULL)
            fe = eol;
        while (f < fe && (*f == ' ' || *f == '\t'))
            ++f;
        while (fe > f && (fe[-1] == ' ' || fe[-1] == '\t' || fe[-1] == '\r'))
            --fe;
        if (fe - f >= 2 && *f == '"' && fe[-1] == '"')
            ++f, --fe;
        p = nl ? nl + 1 : end;
        if (f == fe || (line == 1 && fe - f == 3 && strncasecmp(f, "uid", 3) == 0))
            continue;
        if (++count > MAX_ROWS) {
            dft_respond_field_error(r, "", "too_many", "At most 1,000 rows.");
            return -1;
        }
        row_add(rows, line, f, (size_t)(fe - f));
    }
    if (count == 0) {
        dft_respond_field_error(r, "", "required", "A CSV body with a UID a line.");
        return -1;
    }
    return 0;
}

/* 1 when the request's Content-Type is text/csv (parameters allowed). */
static int is_csv(dft_req_t *r)
{
    ssize_t ct = h2o_find_header(&r->h2o->headers, H2O_TOKEN_CONTENT_TYPE, -1);
    h2o_iovec_t v = ct >= 0 ? r->h2o->headers.entries[ct].value : h2o_iovec_init(NULL, 0);
    return v.len >= 8 && h2o_memis(v.base, 8, H2O_STRLIT("text/csv")) && (v.len == 8 || v.base[8] == ';');
}

static void rows_dispose(void *p)
{
    rows_t *rows = p;
    json_decref(rows->ok);
    json_decref(rows->refused);
}

static const char *const bulk_query[] = {"course_id", "batch_id", NULL};

/* The nodal officer enrols officers of the department: {"course_id", "uids": [...]} as JSON, or a CSV of
 * UIDs with ?course_id=; with batch_id (a member, or ?batch_id=), each also takes a place in that
 * classroom batch of the course. */
static void enrol_officers(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_training_scope(r, 1, &scope) != 0)
        return;
    rows_t *rows = h2o_mem_alloc_shared(&r->h2o->pool, sizeof(*rows), rows_dispose);
    *rows = (rows_t){json_array(), json_array(), 0};
    const dft_str_t *q = dft_req_query(r, "course_id"), *qb = dft_req_query(r, "batch_id");
    const char *course, *batch = NULL;
    if (is_csv(r)) {
        if (q == NULL || !dft_uuid_valid(q->base, q->len)) {
            dft_respond_field_error(r, "course_id", q == NULL ? "required" : "invalid", "?course_id= names the course.");
            return;
        }
        if (qb != NULL && !dft_uuid_valid(qb->base, qb->len)) {
            dft_respond_field_error(r, "batch_id", "invalid", "?batch_id= names a batch of the course.");
            return;
        }
        course = h2o_strdup(&r->h2o->pool, q->base, q->len).base;
        batch = qb != NULL ? h2o_strdup(&r->h2o->pool, qb->base, qb->len).base : NULL;
        if (csv_rows(r, rows) != 0)
            return;
    } else {
        static const char *const allowed[] = {"course_id", "batch_id", "uids", NULL};
        json_t *body = dft_req_json_object(r, allowed);
        if (body == NULL || (course = dft_training_body_uuid(r, body, "course_id")) == NULL ||
            (json_object_get(body, "batch_id") != NULL && (batch = dft_training_body_uuid(r, body, "batch_id")) == NULL) ||
            json_rows(r, body, rows) != 0)
            return;
        if (q != NULL || qb != NULL) {
            dft_respond_field_error(r, q != NULL ? "course_id" : "batch_id", "invalid",
                                    "With a JSON body, course_id and batch_id are members of the body.");
            return;
        }
    }
    const char *params[] = {course, dft_training_json_text(r, rows->ok), dft_training_json_text(r, rows->refused), batch};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "enrol_bulk", params, 4);
}

#define DEPT "/v1/departments/{dept}/training"

static const dft_route_t routes[] = {
    {.method = "GET", .path = DEPT "/assignments", .name = "listAssignments", .handler = list_assignments, .query = page_query},
    {.method = "POST", .path = DEPT "/assignments", .name = "createAssignment", .handler = create_assignment},
    {.method = "GET", .path = DEPT "/assignments/{assignment_id}", .name = "getAssignment", .handler = get_assignment},
    {.method = "POST", .path = DEPT "/assignments/{assignment_id}/sync", .name = "syncAssignment", .handler = sync_assignment},
    {.method = "POST", .path = DEPT "/enrolments", .name = "enrolOfficers", .handler = enrol_officers, .query = bulk_query},
    {.method = "POST", .path = "/v1/training/assignments", .name = "createStateAssignment", .handler = create_state_assignment},
    {.method = "GET", .path = "/v1/me/training", .name = "getMyTraining", .handler = get_my_training},
    {.method = "POST", .path = "/v1/me/training/enrolments", .name = "enrolMe", .handler = enrol_me},
};
const dft_route_table_t dft_assignment_routes = {routes, DFT_ARRAY_SIZE(routes)};
