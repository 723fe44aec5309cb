/*
 * postings.c — e-HRMS posting, transfer and promotion orders: ordered by
 * the establishment of the officer's department, relieved there, joined by
 * the establishment of the department named; memberships change through
 * daftar.posting_membership, so the officer's next request sees them.
 * Rules: sql/state/hr/functions/posting_*.sql, postings_policies.sql.
 */
#include "hrms_internal.h"

#include "../auth/auth.h"
#include "../kit/kit.h"
#include "../tenant/tenant.h"

#include <string.h>

static void order_posting(dft_req_t *r)
{
    dft_db_scope_t scope;
    char uid[12];
    if (dft_hrms_employee_scope(r, &scope, uid) != 0)
        return;
    static const char *const allowed[] = {"kind", "to_dept", "designation", "roles", "order_no", "effective", NULL};
    static const char *const kinds[] = {"posting", "transfer", "promotion", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *kind, *to, *designation, *order_no, *effective = NULL;
    if (body == NULL || (kind = dft_kit_body_enum(r, body, "kind", kinds, NULL)) == NULL ||
        (to = dft_body_string(r, body, "to_dept", 31)) == NULL ||
        (designation = dft_body_text(r, body, "designation", 200, 1)) == NULL ||
        (order_no = dft_body_text(r, body, "order_no", 100, 1)) == NULL ||
        dft_kit_body_date(r, body, "effective", &effective) != 0)
        return;
    if (!dft_tenant_code_valid(to, strlen(to))) {
        dft_respond_field_error(r, "to_dept", "invalid", "to_dept is a department's code.");
        return;
    }
    if (effective == NULL) {
        dft_respond_field_error(r, "effective", "required", "The date the order takes effect.");
        return;
    }
    /* roles: 1..9 names of the role list, no repeats */
    json_t *roles = json_object_get(body, "roles");
    dft_buf_t list = {0};
    uint32_t seen = 0;
    size_t i;
    json_t *role;
    int ok = json_is_array(roles) && json_array_size(roles) >= 1 && json_array_size(roles) <= 9;
    json_array_foreach(roles, i, role)
    {
        uint32_t bit = json_is_string(role) ? dft_role_bit(json_string_value(role), json_string_length(role)) : 0;
        ok = ok && bit != 0 && !(seen & bit);
        seen |= bit;
        if (ok)
            dft_buf_printf(&list, "%s%s", i ? "," : "", json_string_value(role));
    }
    if (!ok) {
        dft_buf_dispose(&list);
        dft_respond_field_error(r, "roles", "invalid", "roles are 1 to 9 distinct role names.");
        return;
    }
    const char *params[] = {h2o_strdup(&r->h2o->pool, uid, 11).base, kind, to, designation,
                            h2o_strdup(&r->h2o->pool, list.data, list.len).base, order_no, effective, NULL, NULL};
    dft_buf_dispose(&list);
    if (dft_kit_idempotent(r, params + 7) != 0)
        return;
    dft_db_run(r, &scope, DFT_DB_WRITE, "posting_order", params, 9, dft_kit_on_created, r);
}

static void list_postings(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_state_scope(r, "hr", 1, &scope) == 0)
        dft_db_respond(r, &scope, DFT_DB_READ, "postings_list", NULL, 0);
}

static void act_on_posting(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *version, *action;
    if (dft_kit_state_scope(r, "hr", 1, &scope) != 0 ||
        dft_kit_path_uuid(r, "posting_id", "No such posting order.", id) != 0 ||
        (version = dft_kit_if_match(r, "posting order", 1)) == NULL)
        return;
    static const char *const allowed[] = {"action", NULL};
    static const char *const actions[] = {"relieve", "join", "cancel", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL || (action = dft_kit_body_enum(r, body, "action", actions, NULL)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, version, action};
    dft_db_run(r, &scope, DFT_DB_WRITE, "posting_act", params, 3, dft_kit_on_etag, r);
}

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/employees/{uid}/postings", .name = "orderPosting",
     .handler = order_posting},
    {.method = "GET", .path = "/v1/departments/{dept}/postings", .name = "listPostings", .handler = list_postings},
    {.method = "POST", .path = "/v1/departments/{dept}/postings/{posting_id}/actions", .name = "actOnPosting",
     .handler = act_on_posting},
};
const dft_route_table_t dft_posting_routes = {routes, DFT_ARRAY_SIZE(routes)};
