/*
 * handover.c — /v1/departments/{dept}/handovers: an officer leaving a post
 * hands over their pending files and receipts to the successor the section
 * officer (or dept_admin) names, in one audited step; the list of them.
 * Rules: sql/dept/0029_handover.sql, functions/handover.sql.
 */
#include "files.h"
#include "../kit/kit.h"

#include "../core/core.h"

static const char *const reasons[] = {"transfer", "retirement", "leave", "other", NULL};

static void create_handover(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_dept_scope(r, &scope) != 0)
        return;
    static const char *const allowed[] = {"from", "to", "reason", "remarks", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *from, *to, *reason, *remarks, *idem[2];
    if (body == NULL || (from = dft_kit_body_uid(r, body, "from")) == NULL || (to = dft_kit_body_uid(r, body, "to")) == NULL ||
        (reason = dft_kit_body_enum(r, body, "reason", reasons, NULL)) == NULL ||
        (remarks = dft_body_text(r, body, "remarks", 500, 0)) == NULL || dft_kit_idempotent(r, idem) != 0)
        return;
    const char *params[] = {from, to, reason, remarks, idem[0], idem[1]};
    dft_db_run(r, &scope, DFT_DB_WRITE, "handover", params, 6, dft_kit_on_created, r);
}

static void list_handovers(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_dept_scope(r, &scope) != 0)
        return;
    dft_db_respond(r, &scope, DFT_DB_READ, "handovers_list", NULL, 0);
}

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/handovers", .name = "createHandover", .handler = create_handover,
     .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/handovers", .name = "listHandovers", .handler = list_handovers,
     .scope = "files:read"},
};

const dft_route_table_t dft_handover_routes = {routes, DFT_ARRAY_SIZE(routes)};
