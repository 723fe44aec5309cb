/*
 * routes.c — e-HRMS routes: an officer's service particulars, read by the
 * officer and the establishment of a department they belong to, written by
 * that establishment (If-Match for a change); the service book, entered by
 * the establishment, attested by the head of office, hash-chained, with the
 * officer's objections and their answers. Rules: sql/state/hr/functions/
 * (in_charge.sql, *_policies.sql, entry_*.sql, objection_*.sql); statements
 * in sql/queries/ under the same names.
 */
#include "hrms_internal.h"

#include "../kit/kit.h"

#include <string.h>

#define NO_EMPLOYEE "No such officer in this department, or you do not keep their records."

int dft_hrms_employee_scope(dft_req_t *r, dft_db_scope_t *scope, char uid[12])
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
    if (dft_hrms_employee_scope(r, &scope, uid) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base};
    dft_db_run(r, &scope, DFT_DB_READ, "employee_get", params, 1, on_employee, r);
}

/* An optional phone number (^\+?[0-9]{6,15}$) or e-mail address member; "" when absent, NULL after a 400. */
static const char *body_contact(dft_req_t *r, json_t *body, const char *name, int email)
{
    const char *v = dft_body_optional_string(r, body, name, email ? 254 : 16);
    if (v == NULL || json_object_get(body, name) == NULL)
        return v;
    size_t len = strlen(v), digits = strspn(v + (v[0] == '+'), "0123456789");
    const char *at = strchr(v, '@');
    int ok = email ? len >= 5 && at != NULL && at != v && strchr(at + 1, '@') == NULL && strchr(at + 1, '.') != NULL &&
                         at[1] != '.' && v[len - 1] != '.' && strcspn(v, " \t\r\n\"'<>()[]\\,;:") == len
                   : digits >= 6 && digits <= 15 && digits == len - (v[0] == '+');
    if (!ok) {
        dft_respond_field_error(r, name, "invalid",
                                email ? "An e-mail address, name@domain."
                                      : "A phone number: 6 to 15 digits, + first for an international one.");
        return NULL;
    }
    return v;
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
    if (dft_hrms_employee_scope(r, &scope, uid) != 0 || (version = dft_kit_if_match(r, "officer's particulars", 0)) == NULL)
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
        (phone = body_contact(r, body, "phone", 0)) == NULL || (email = body_contact(r, body, "email", 1)) == NULL)
        return;
    if (dob == NULL || doj == NULL) {
        dft_respond_field_error(r, dob == NULL ? "date_of_birth" : "date_of_joining", "required", "Send both dates.");
        return;
    }
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base, version[0] ? version : NULL, service, cadre, post,
                            level, dob, doj, phone[0] ? phone : NULL, email[0] ? email : NULL};
    dft_db_run(r, &scope, DFT_DB_WRITE, "employee_put", params, 10, dft_kit_on_put, r);
}

/* ------------------------------------------------------- service book */

#define NO_ENTRY "No such entry, or you may not change it."

static const char *const entry_kinds[] = {"appointment", "confirmation", "promotion", "posting", "pay_fixation",
                                          "increment", "leave", "training", "deputation", "suspension", "penalty",
                                          "award", "nomination", NULL};

static void list_book(dft_req_t *r)
{
    dft_db_scope_t scope;
    char uid[12];
    if (dft_hrms_employee_scope(r, &scope, uid) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "book_list", params, 1);
}

static void verify_book(dft_req_t *r)
{
    dft_db_scope_t scope;
    char uid[12];
    if (dft_hrms_employee_scope(r, &scope, uid) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base};
    dft_db_respond(r, &scope, DFT_DB_READ, "book_verify", params, 1);
}

/* An optional positive entry number member; "" when absent, NULL after a 400. */
static const char *body_entry_number(dft_req_t *r, json_t *body, const char *name)
{
    json_t *v = json_object_get(body, name);
    if (v == NULL)
        return "";
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000) {
        dft_respond_field_error(r, name, "invalid", "An entry number of this book.");
        return NULL;
    }
    char buf[16];
    snprintf(buf, sizeof(buf), "%d", (int)json_integer_value(v));
    return h2o_strdup(&r->h2o->pool, buf, SIZE_MAX).base;
}

static void add_entry(dft_req_t *r)
{
    dft_db_scope_t scope;
    char uid[12];
    if (dft_hrms_employee_scope(r, &scope, uid) != 0)
        return;
    static const char *const allowed[] = {"kind", "effective", "details", "corrects", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *kind, *effective = NULL, *details, *corrects;
    if (body == NULL || (kind = dft_kit_body_enum(r, body, "kind", entry_kinds, NULL)) == NULL ||
        dft_kit_body_date(r, body, "effective", &effective) != 0 ||
        (details = dft_body_text(r, body, "details", 4000, 1)) == NULL ||
        (corrects = body_entry_number(r, body, "corrects")) == NULL)
        return;
    if (effective == NULL) {
        dft_respond_field_error(r, "effective", "required", "The date the entry takes effect.");
        return;
    }
    const char *idem[2];
    if (dft_kit_idempotent(r, idem) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base, kind, effective, details,
                            corrects[0] ? corrects : NULL, idem[0], idem[1]};
    dft_db_run(r, &scope, DFT_DB_WRITE, "entry_add", params, 7, dft_kit_on_created, r);
}

/* The entry of the path and the version of If-Match; 0, or -1 after responding. */
static int entry_target(dft_req_t *r, dft_db_scope_t *scope, char uid[12], const char **n, const char **version)
{
    return dft_hrms_employee_scope(r, scope, uid) != 0 || (*n = dft_kit_path_number(r, "n", 1000000, NO_ENTRY)) == NULL ||
                   (*version = dft_kit_if_match(r, "entry", 1)) == NULL
               ? -1
               : 0;
}

static void edit_entry(dft_req_t *r)
{
    dft_db_scope_t scope;
    char uid[12];
    const char *n, *version;
    if (entry_target(r, &scope, uid, &n, &version) != 0)
        return;
    static const char *const allowed[] = {"kind", "effective", "details", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *kind = NULL, *effective = NULL, *details = NULL;
    if (body == NULL ||
        (json_object_get(body, "kind") != NULL && (kind = dft_kit_body_enum(r, body, "kind", entry_kinds, NULL)) == NULL) ||
        dft_kit_body_date(r, body, "effective", &effective) != 0 ||
        (json_object_get(body, "details") != NULL && (details = dft_body_text(r, body, "details", 4000, 1)) == NULL))
        return;
    if (json_object_size(body) == 0) {
        dft_respond_field_error(r, "details", "required", "Send at least one of kind, effective, details.");
        return;
    }
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base, n, version, kind, effective, details};
    dft_db_run(r, &scope, DFT_DB_WRITE, "entry_edit", params, 6, dft_kit_on_etag, r);
}

static void attest_entry(dft_req_t *r)
{
    dft_db_scope_t scope;
    char uid[12];
    const char *n, *version;
    if (entry_target(r, &scope, uid, &n, &version) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base, n, version};
    dft_db_run(r, &scope, DFT_DB_WRITE, "entry_attest", params, 3, dft_kit_on_etag, r);
}

static void object_to_entry(dft_req_t *r)
{
    dft_db_scope_t scope;
    char uid[12];
    const char *n, *remarks, *idem[2];
    if (dft_hrms_employee_scope(r, &scope, uid) != 0 || (n = dft_kit_path_number(r, "n", 1000000, NO_ENTRY)) == NULL)
        return;
    static const char *const allowed[] = {"remarks", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL || (remarks = dft_body_text(r, body, "remarks", 2000, 1)) == NULL || dft_kit_idempotent(r, idem) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base, n, remarks, idem[0], idem[1]};
    dft_db_run(r, &scope, DFT_DB_WRITE, "objection_raise", params, 5, dft_kit_on_created, r);
}

static void answer_objection(dft_req_t *r)
{
    dft_db_scope_t scope;
    char uid[12];
    const char *id, *status, *answer, *correction;
    if (dft_hrms_employee_scope(r, &scope, uid) != 0 ||
        (id = dft_kit_path_number(r, "objection_id", INT64_MAX, "No such objection.")) == NULL)
        return;
    static const char *const allowed[] = {"status", "answer", "correction", NULL};
    static const char *const outcomes[] = {"corrected", "rejected", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL || (status = dft_kit_body_enum(r, body, "status", outcomes, NULL)) == NULL ||
        (answer = dft_body_text(r, body, "answer", 2000, 0)) == NULL ||
        (correction = body_entry_number(r, body, "correction")) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base, id, status, answer, correction[0] ? correction : NULL};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "objection_answer", params, 5);
}

#define BOOK "/v1/departments/{dept}/employees/{uid}/service-book"

static const dft_route_t routes[] = {
    {.method = "GET", .path = "/v1/departments/{dept}/employees/{uid}", .name = "getEmployee", .handler = get_employee},
    {.method = "PUT", .path = "/v1/departments/{dept}/employees/{uid}", .name = "putEmployee", .handler = put_employee},
    {.method = "GET", .path = BOOK, .name = "getServiceBook", .handler = list_book},
    {.method = "POST", .path = BOOK, .name = "addServiceBookEntry", .handler = add_entry},
    {.method = "GET", .path = BOOK "/verify", .name = "verifyServiceBook", .handler = verify_book},
    {.method = "PATCH", .path = BOOK "/{n}", .name = "editServiceBookEntry", .handler = edit_entry},
    {.method = "POST", .path = BOOK "/{n}/attest", .name = "attestServiceBookEntry", .handler = attest_entry},
    {.method = "POST", .path = BOOK "/{n}/objections", .name = "objectToServiceBookEntry", .handler = object_to_entry},
    {.method = "PATCH", .path = BOOK "/objections/{objection_id}", .name = "answerObjection", .handler = answer_objection},
};
const dft_route_table_t dft_hrms_routes = {routes, DFT_ARRAY_SIZE(routes)};
