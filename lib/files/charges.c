/*
 * charges.c — /v1/departments/{dept}/charges: acting charge. The head of
 * office or dept_admin gives officer B's charge to officer A for a period;
 * A then sees B's files (GET .../files?box=inbox&holder=B) and acts on them
 * for B, each movement naming both. The charge ends by itself after its
 * last day (a timer records it) or early. Officers only (no service scope).
 * The rules are in SQL: sql/dept/functions/charge_*.sql, acts_for.sql,
 * holds_charge_of.sql, and the e-File functions that call them.
 */
#include "files.h"
#include "../kit/kit.h"

#include "../core/core.h"

#include <string.h>

static void give_charge(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_dept_scope(r, &scope) != 0)
        return;
    static const char *const allowed[] = {"holder", "of", "valid_from", "valid_until", "reason", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *holder, *of, *from = NULL, *until = NULL, *reason;
    if (body == NULL || (holder = dft_kit_body_uid(r, body, "holder")) == NULL || (of = dft_kit_body_uid(r, body, "of")) == NULL ||
        dft_kit_body_date(r, body, "valid_from", &from) != 0 || dft_kit_body_date(r, body, "valid_until", &until) != 0)
        return;
    if (until == NULL) {
        dft_respond_field_error(r, "valid_until", "required", "Say until when the charge runs (YYYY-MM-DD).");
        return;
    }
    const char *idem[2];
    if ((reason = dft_body_text(r, body, "reason", 500, 1)) == NULL || dft_kit_idempotent(r, idem) != 0)
        return;
    const char *params[] = {holder, of, from, until, reason, idem[0], idem[1]};
    dft_db_run(r, &scope, DFT_DB_WRITE, "charge_give", params, 7, dft_kit_on_created, r);
}

static void list_charges(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_dept_scope(r, &scope) == 0)
        dft_db_respond(r, &scope, DFT_DB_READ, "charges_list", NULL, 0);
}

static void end_charge(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "charge_id", "No such charge.", id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "charge_end", params, 1);
}

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/charges", .name = "giveCharge", .handler = give_charge},
    {.method = "GET", .path = "/v1/departments/{dept}/charges", .name = "listCharges", .handler = list_charges},
    {.method = "POST", .path = "/v1/departments/{dept}/charges/{charge_id}/end", .name = "endCharge", .handler = end_charge},
};

const dft_route_table_t dft_charge_routes = {routes, DFT_ARRAY_SIZE(routes)};
