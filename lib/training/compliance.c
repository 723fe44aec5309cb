/*
 * compliance.c — what a department's nodal officer (training_nodal) sees
 * and records for the department: an assignment's compliance with who
 * stands where, one officer's training, the anomaly flags of its officers,
 * and completions taken on another platform (imported by the nodal officer
 * or the department's service account of that platform, scope
 * training:import; idempotent by the platform's record id). Other
 * departments and the state see numbers only
 * (GET /v1/training/assignments/{id}/compliance). Who may see whom is SQL
 * (sql/state/training/functions/assignment_compliance.sql,
 * compliance_state.sql, officer_training.sql, flags_list.sql,
 * import_completions.sql, and the policies behind them).
 */
#include "training_internal.h"

#include "../auth/uid.h"
#include "../core/core.h"
#include "../kit/kit.h"

#include <stdio.h>
#include <string.h>

#define NO_ASSIGNMENT "No such assignment."
#define MAX_RECORDS 1000

static void department_compliance(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_training_scope(r, 1, &scope) != 0 || dft_kit_path_uuid(r, "assignment_id", NO_ASSIGNMENT, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "assignment_compliance", params, 1);
}

static void state_compliance(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_training_scope(r, 0, &scope) != 0 || dft_kit_path_uuid(r, "assignment_id", NO_ASSIGNMENT, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "compliance_state", params, 1);
}

static void officer_training(dft_req_t *r)
{
    dft_db_scope_t scope;
    char uid[12];
    if (dft_training_scope(r, 1, &scope) != 0 || dft_kit_path_uid(r, "uid", "No such officer in this department.", uid) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "officer_training", params, 1);
}

static const char *const flags_query[] = {"limit", "cursor", NULL};

static void list_flags(dft_req_t *r)
{
    dft_db_scope_t scope;
    char limit[8];
    if (dft_training_scope(r, 1, &scope) != 0 || dft_req_limit(r, limit) != 0)
        return;
    const dft_str_t *c = dft_req_query(r, "cursor");
    int64_t before = 0;
    if (c != NULL && c->len > 0 && dft_parse_int64(c->base, c->len, 1, INT64_MAX, &before) != 0) {
        dft_respond_field_error(r, "cursor", "malformed", "cursor must be a next_cursor value from a previous page.");
        return;
    }
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)before);
    const char *params[] = {h2o_strdup(&r->h2o->pool, limit, SIZE_MAX).base, h2o_strdup(&r->h2o->pool, buf, SIZE_MAX).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "flags_list", params, 2);
}

/* ------------------------------------------------------------------ imports */

/* The reason a record (an object with known members only) is refused here, or NULL when it is well-formed
 * (then copied into ok). */
static const char *record_check(json_t *rec, json_t *ok)
{
    const char *uid = json_string_value(json_object_get(rec, "uid"));
    const char *course = json_string_value(json_object_get(rec, "course"));
    const char *day = json_string_value(json_object_get(rec, "completed_on"));
    json_t *id = json_object_get(rec, "record_id"), *score = json_object_get(rec, "score");
    size_t idlen = json_is_string(id) ? json_string_length(id) : 0;
    int printable = idlen >= 1 && idlen <= 100;
    for (size_t i = 0; i < idlen && printable; ++i)
        printable = json_string_value(id)[i] >= 0x20 && json_string_value(id)[i] < 0x7f;
    int64_t y, m, d;
    if (!printable)
        return "record_id is the platform's id of the record: 1 to 100 printable ASCII characters.";
    if (uid == NULL || strlen(uid) != 11 || !dft_uid_valid(uid, 11))
        return "Not a UID (11 digits, the last a check digit).";
    if (course == NULL || strlen(course) < 2 || strlen(course) > 20 ||
        strspn(course, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != strlen(course))
        return "course is a course code of the state's catalogue.";
    if (day == NULL || strlen(day) != 10 || day[4] != '-' || day[7] != '-' || dft_parse_int64(day, 4, 2000, 2999, &y) != 0 ||
        dft_parse_int64(day + 5, 2, 1, 12, &m) != 0 || dft_parse_int64(day + 8, 2, 1, 28 + (m != 2) * 3, &d) != 0 ||
        (d == 31 && (m == 4 || m == 6 || m == 9 || m == 11)))
        return "completed_on is a date, YYYY-MM-DD, from 2000.";
    if (score != NULL && (!json_is_integer(score) || json_integer_value(score) < 0 || json_integer_value(score) > 100))
        return "score is a whole number from 0 to 100.";
    json_object_update(ok, rec);
    return NULL;
}

/* {"source": "igot", "records": [{record_id, uid, course, completed_on, score?}, ...]}: every record's result. */
static void import_completions(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_training_scope(r, 1, &scope) != 0)
        return;
    static const char *const allowed[] = {"source", "records", NULL};
    json_t *body = dft_req_json_object(r, allowed), *records, *rec;
    const char *source;
    if (body == NULL || (source = dft_body_string(r, body, "source", 31)) == NULL)
        return;
    size_t n = strlen(source);
    if (n < 2 || !(source[0] >= 'a' && source[0] <= 'z') || strspn(source, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n ||
        strcmp(source, "daftar") == 0) {
        dft_respond_field_error(r, "source", "invalid", "The platform's name: 2 to 31 of a-z, 0-9, _ and -, not daftar.");
        return;
    }
    records = json_object_get(body, "records");
    if (!json_is_array(records) || json_array_size(records) < 1 || json_array_size(records) > MAX_RECORDS) {
        dft_respond_field_error(r, "records", records == NULL ? "required" : "invalid", "1 to 1,000 records.");
        return;
    }
    static const char *const members[] = {"record_id", "uid", "course", "completed_on", "score", NULL};
    size_t i;
    json_array_foreach(records, i, rec)
    {
        char path[40];
        snprintf(path, sizeof(path), "records[%zu]", i);
        if (!json_is_object(rec) || dft_body_only_fields(r, rec, members) != 0) {
            if (!json_is_object(rec))
                dft_respond_field_error(r, h2o_strdup(&r->h2o->pool, path, SIZE_MAX).base, "invalid", "A record is an object.");
            return; /* a shape the platform cannot have meant: the batch is refused (400), not the row */
        }
    }
    json_t *ok = json_array(), *refused = json_array();
    json_array_foreach(records, i, rec)
    {
        json_t *row = json_pack("{s:I}", "row", (json_int_t)(i + 1));
        const char *why = record_check(rec, row);
        if (why == NULL) {
            json_array_append_new(ok, row);
            continue;
        }
        json_t *id = json_object_get(rec, "record_id");
        int echo = json_is_string(id) && json_string_length(id) <= 100 && strlen(json_string_value(id)) == json_string_length(id);
        json_object_set_new(row, "record_id", echo ? json_string(json_string_value(id)) : json_null());
        json_object_set_new(row, "reason", json_string(why));
        json_array_append_new(refused, row);
    }
    const char *params[] = {source, dft_training_json_text(r, ok), dft_training_json_text(r, refused)};
    json_decref(ok);
    json_decref(refused);
    dft_db_respond(r, &scope, DFT_DB_WRITE, "import_completions", params, 3);
}

#define DEPT "/v1/departments/{dept}/training"

static const dft_route_t routes[] = {
    {.method = "GET", .path = DEPT "/assignments/{assignment_id}/compliance", .name = "getCompliance",
     .handler = department_compliance},
    {.method = "GET", .path = "/v1/training/assignments/{assignment_id}/compliance", .name = "getStateCompliance",
     .handler = state_compliance},
    {.method = "GET", .path = DEPT "/officers/{uid}", .name = "getOfficerTraining", .handler = officer_training},
    {.method = "GET", .path = DEPT "/flags", .name = "listFlags", .handler = list_flags, .query = flags_query},
    {.method = "POST", .path = DEPT "/imports", .name = "importCompletions", .handler = import_completions,
     .scope = "training:import"},
};
const dft_route_table_t dft_compliance_routes = {routes, DFT_ARRAY_SIZE(routes)};
