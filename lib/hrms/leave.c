/*
 * leave.c — e-HRMS leave: an officer's balances and ledger, applications
 * in a department and the actions on them, the department's holidays.
 * Everything runs in the statewide scope hr (leave follows the officer);
 * the rules are SQL: sql/state/hr/functions/leave_*.sql (who may act, the
 * ledger, the chain and its escalation timers), leave_policies.sql (who
 * reads what); statements under the same names in sql/queries/.
 */
#include "hrms_internal.h"

#include "../kit/kit.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define NO_APPLICATION "No such leave application."

static void get_my_leave(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_state_scope(r, "hr", 0, &scope) == 0)
        dft_db_respond(r, &scope, DFT_DB_READ, "leave_mine", NULL, 0);
}

static void get_my_ledger(dft_req_t *r)
{
    dft_db_scope_t scope;
    static const char *const params[] = {""};
    if (dft_kit_state_scope(r, "hr", 0, &scope) == 0)
        dft_db_respond(r, &scope, DFT_DB_READ, "leave_ledger", params, 1);
}

static void get_employee_leave(dft_req_t *r)
{
    dft_db_scope_t scope;
    char uid[12];
    if (dft_hrms_employee_scope(r, &scope, uid) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "leave_ledger", params, 1);
}

static void apply_leave(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_state_scope(r, "hr", 1, &scope) != 0)
        return;
    static const char *const allowed[] = {"type", "from_date", "to_date", "reason", "extends", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *type, *from = NULL, *to = NULL, *reason, *extends;
    if (body == NULL || (type = dft_body_string(r, body, "type", 10)) == NULL ||
        dft_kit_body_date(r, body, "from_date", &from) != 0 || dft_kit_body_date(r, body, "to_date", &to) != 0 ||
        (reason = dft_body_text(r, body, "reason", 1000, 0)) == NULL ||
        (extends = dft_body_optional_string(r, body, "extends", 36)) == NULL)
        return;
    if (strlen(type) < 2 || strspn(type, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(type)) {
        dft_respond_field_error(r, "type", "invalid", "A leave type's code: CL, EL, HPL, COMM, ML, CCL, ...");
        return;
    }
    if (from == NULL || to == NULL) {
        dft_respond_field_error(r, from == NULL ? "from_date" : "to_date", "required", "Send the first and last day.");
        return;
    }
    if (json_object_get(body, "extends") != NULL && !dft_uuid_valid(extends, strlen(extends))) {
        dft_respond_field_error(r, "extends", "invalid", "extends is the id of an application.");
        return;
    }
    const char *idem[2];
    if (dft_kit_idempotent(r, idem) != 0)
        return;
    const char *params[] = {type, from, to, reason, extends[0] ? extends : NULL, idem[0], idem[1]};
    dft_db_run(r, &scope, DFT_DB_WRITE, "leave_apply", params, 7, dft_kit_on_created, r);
}

static const char *const leave_list_query[] = {"box", "limit", "cursor", "updated_since", NULL};

static void list_leave(dft_req_t *r)
{
    dft_db_scope_t scope;
    static const char *const boxes[] = {"waiting", "mine", NULL};
    const char *box, *cursor, *since;
    char limit[8];
    if (dft_kit_state_scope(r, "hr", 1, &scope) != 0 || (box = dft_kit_query_enum(r, "box", boxes, "waiting")) == NULL ||
        dft_req_limit(r, limit) != 0 || (cursor = dft_kit_cursor(r)) == NULL ||
        dft_kit_query_time(r, "updated_since", &since) != 0) /* delta sync: leave_list.sql */
        return;
    const char *params[] = {box, h2o_strdup(&r->h2o->pool, limit, SIZE_MAX).base, cursor, since};
    dft_db_respond(r, &scope, DFT_DB_READ, "leave_list", params, 4);
}

static int application_scope(dft_req_t *r, dft_db_scope_t *scope, char id[37])
{
    return dft_kit_state_scope(r, "hr", 1, scope) != 0 || dft_kit_path_uuid(r, "application_id", NO_APPLICATION, id) != 0
               ? -1
               : 0;
}

static void on_application(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code == DFT_OK && reply->value == NULL)
        dft_respond_code(r, DFT_E_NOT_FOUND, NO_APPLICATION);
    else
        dft_kit_on_etag(ctx, reply);
}

static void get_leave(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (application_scope(r, &scope, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_run(r, &scope, DFT_DB_READ, "leave_get", params, 1, on_application, r);
}

static void act_on_leave(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *version, *action, *remarks, *to = NULL;
    if (application_scope(r, &scope, id) != 0 || (version = dft_kit_if_match(r, "application", 1)) == NULL)
        return;
    static const char *const allowed[] = {"action", "remarks", "to_date", NULL};
    static const char *const actions[] = {"approve", "reject", "cancel", "curtail", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL || (action = dft_kit_body_enum(r, body, "action", actions, NULL)) == NULL ||
        (remarks = dft_body_text(r, body, "remarks", 1000, 0)) == NULL || dft_kit_body_date(r, body, "to_date", &to) != 0)
        return;
    if ((to != NULL) != (strcmp(action, "curtail") == 0)) {
        dft_respond_field_error(r, "to_date", to == NULL ? "required" : "invalid",
                                "to_date is sent with curtail (the new last day), and only with it.");
        return;
    }
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, version, action, remarks, to};
    dft_db_run(r, &scope, DFT_DB_WRITE, "leave_act", params, 5, dft_kit_on_etag, r);
}

static const char *const holidays_query[] = {"year", NULL};

static void list_holidays(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_state_scope(r, "hr", 1, &scope) != 0)
        return;
    const dft_str_t *year = dft_req_query(r, "year");
    int64_t y = 0;
    if (year != NULL && dft_parse_int64(year->base, year->len, 1900, 2999, &y) != 0) {
        dft_respond_field_error(r, "year", "invalid", "year is a year, 1900-2999.");
        return;
    }
    char buf[8];
    if (year == NULL) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        y = tm.tm_year + 1900;
    }
    snprintf(buf, sizeof(buf), "%d", (int)y);
    const char *params[] = {h2o_strdup(&r->h2o->pool, buf, SIZE_MAX).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "holidays_list", params, 1);
}

static void add_holiday(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_state_scope(r, "hr", 1, &scope) != 0)
        return;
    static const char *const allowed[] = {"day", "name", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *day = NULL, *name;
    if (body == NULL || dft_kit_body_date(r, body, "day", &day) != 0 || (name = dft_body_text(r, body, "name", 200, 1)) == NULL)
        return;
    if (day == NULL) {
        dft_respond_field_error(r, "day", "required", "The holiday's date.");
        return;
    }
    const char *params[] = {day, name};
    dft_db_run(r, &scope, DFT_DB_WRITE, "holiday_add", params, 2, dft_kit_on_json_created, r);
}

#define LEAVE "/v1/departments/{dept}/leave"

static const dft_route_t routes[] = {
    {.method = "GET", .path = "/v1/me/leave", .name = "getMyLeave", .handler = get_my_leave},
    {.method = "GET", .path = "/v1/me/leave/ledger", .name = "getMyLeaveLedger", .handler = get_my_ledger},
    {.method = "GET", .path = "/v1/departments/{dept}/employees/{uid}/leave", .name = "getEmployeeLeave",
     .handler = get_employee_leave},
    {.method = "POST", .path = LEAVE "/applications", .name = "applyLeave", .handler = apply_leave},
    {.method = "GET", .path = LEAVE "/applications", .name = "listLeave", .handler = list_leave, .query = leave_list_query},
    {.method = "GET", .path = LEAVE "/applications/{application_id}", .name = "getLeave", .handler = get_leave},
    {.method = "POST", .path = LEAVE "/applications/{application_id}/actions", .name = "actOnLeave", .handler = act_on_leave},
    {.method = "GET", .path = LEAVE "/holidays", .name = "listHolidays", .handler = list_holidays, .query = holidays_query},
    {.method = "POST", .path = LEAVE "/holidays", .name = "addHoliday", .handler = add_holiday},
};
const dft_route_table_t dft_leave_routes = {routes, DFT_ARRAY_SIZE(routes)};
