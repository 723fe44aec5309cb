/*
 * delegations.c — /v1/departments/{dept}/delegations: an officer with the
 * approving role lends the power to approve and reject files to another
 * officer of the department for up to 90 days (leave, tour), lists what was
 * given and received, and revokes it (security review item 6).
 *
 * Officers only (no service scope): a service account never lends or holds
 * the power to decide. The rules (who may lend, to whom, for how long, when
 * a delegation lends anything) are in SQL: sql/dept/functions/delegation_*.sql.
 */
#include "files.h"
#include "../kit/kit.h"

#include "../auth/crypto.h"
#include "../auth/uid.h"
#include "../core/core.h"

#include <string.h>

static void create_delegation(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_dept_scope(r, &scope) != 0)
        return;
    static const char *const allowed[] = {"delegate", "valid_from", "valid_until", "reason", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *delegate, *from, *until, *reason, *key;
    if (body == NULL || (delegate = dft_kit_body_uid(r, body, "delegate")) == NULL)
        return;
    if (dft_kit_body_date(r, body, "valid_from", &from) != 0 || dft_kit_body_date(r, body, "valid_until", &until) != 0)
        return;
    if (until == NULL) {
        dft_respond_field_error(r, "valid_until", "required", "Say until when the delegation runs (YYYY-MM-DD).");
        return;
    }
    if ((reason = dft_body_text(r, body, "reason", 500, 1)) == NULL || dft_kit_idempotency_key(r, &key) != 0)
        return;
    char hash[65];
    dft_sha256_hex(r->h2o->entity.base, r->h2o->entity.len, hash);
    const char *params[] = {delegate, from, until, reason, key, h2o_strdup(&r->h2o->pool, hash, 64).base};
    dft_db_run(r, &scope, DFT_DB_WRITE, "delegation_create", params, 6, dft_kit_on_created, r);
}

static void list_delegations(dft_req_t *r)
{
    dft_kit_list_page(r, "delegations_list");
}

static void revoke_delegation(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "delegation_id", "No such delegation.", id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "delegation_revoke", params, 1);
}

static const char *const list_query[] = {"limit", "cursor", NULL};

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/delegations", .name = "createDelegation",
     .handler = create_delegation},
    {.method = "GET", .path = "/v1/departments/{dept}/delegations", .name = "listDelegations",
     .handler = list_delegations, .query = list_query},
    {.method = "POST", .path = "/v1/departments/{dept}/delegations/{delegation_id}/revoke", .name = "revokeDelegation",
     .handler = revoke_delegation},
};

const dft_route_table_t dft_delegation_routes = {routes, DFT_ARRAY_SIZE(routes)};
