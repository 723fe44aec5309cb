/*
 * routes.c — e-HRMS routes: an officer's service particulars, read by the
 * officer and the establishment of a department they belong to, written by
 * that establishment (If-Match for a change). Rules: sql/state/hr/functions/
 * (establishes.sql, employees_policies.sql); statements employee_get and
 * employee_put in sql/queries/.
 */
#include "hrms.h"

#include "../kit/kit.h"

#include <string.h>

#define NO_EMPLOYEE "No such officer in this department, or you do not keep their records."

static int employee_scope(dft_req_t *r, dft_db_scope_t *scope, char uid[12])
{
    return dft_kit_state_scope(r, "hr", 1, scope) != 0 || dft_kit_path_uid(r, "uid", NO_EMPLOYEE, uid) != 0 ? -1 : 0;
}

static void on_employee(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else if (reply->value == NULL)
        dft_respond_code(r, DFT_E_NOT_FOUND, NO_EMPLOYEE);
    else
        dft_kit_respond_etag(r, 200, reply);
}

static void get_employee(dft_req_t *r)
{
    dft_db_scope_t scope;
    char uid[12];
    if (employee_scope(r, &scope, uid) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base};
    dft_db_run(r, &scope, DFT_DB_READ, "employee_get", params, 1, on_employee, r);
}

static void on_put(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    size_t len;
    const char *created = dft_db_reply_field(reply, 2, &len);
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else
        dft_kit_respond_etag(r, created != NULL && created[0] == 't' ? 201 : 200, reply);
}

/* A positive whole number member of at most max; NULL after a 400. */
static const char *body_level(dft_req_t *r, json_t *body, const char *name, int max)
{
    json_t *v = json_object_get(body, name);
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > max) {
        dft_respond_field_error(r, name, "invalid", "pay_level is a 7th CPC pay level, 1 to 18.");
        return NULL;
    }
    char buf[8];
    snprintf(buf, sizeof(buf), "%d", (int)json_integer_value(v));
    return h2o_strdup(&r->h2o->pool, buf, SIZE_MAX).base;
}

/* The establishment writes an officer's particulars: without If-Match they
 * are new (201), with it they replace that version (200). */
static void put_employee(dft_req_t *r)
{
    dft_db_scope_t scope;
    char uid[12];
    const char *version;
    if (employee_scope(r, &scope, uid) != 0 || (version = dft_kit_if_match(r, "officer's particulars", 0)) == NULL)
        return;
    static const char *const allowed[] = {"service", "cadre", "post", "pay_level", "date_of_birth", "date_of_joining",
                                          "phone", "email", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    const char *service, *cadre, *post, *level, *dob = NULL, *doj = NULL, *phone, *email;
    if ((service = dft_body_text(r, body, "service", 100, 1)) == NULL ||
        (cadre = dft_body_text(r, body, "cadre", 100, 0)) == NULL || (post = dft_body_text(r, body, "post", 200, 1)) == NULL ||
        (level = body_level(r, body, "pay_level", 18)) == NULL || dft_kit_body_date(r, body, "date_of_birth", &dob) != 0 ||
        dft_kit_body_date(r, body, "date_of_joining", &doj) != 0 ||
        (phone = dft_body_optional_string(r, body, "phone", 16)) == NULL ||
        (email = dft_body_optional_string(r, body, "email", 254)) == NULL)
        return;
    if (dob == NULL || doj == NULL) {
        dft_respond_field_error(r, dob == NULL ? "date_of_birth" : "date_of_joining", "required", "Send both dates.");
        return;
    }
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base, version[0] ? version : NULL, service, cadre, post,
                            level, dob, doj, phone[0] ? phone : NULL, email[0] ? email : NULL};
    dft_db_run(r, &scope, DFT_DB_WRITE, "employee_put", params, 10, on_put, r);
}

static const dft_route_t routes[] = {
    {.method = "GET", .path = "/v1/departments/{dept}/employees/{uid}", .name = "getEmployee", .handler = get_employee},
    {.method = "PUT", .path = "/v1/departments/{dept}/employees/{uid}", .name = "putEmployee", .handler = put_employee},
};
const dft_route_table_t dft_hrms_routes = {routes, DFT_ARRAY_SIZE(routes)};
