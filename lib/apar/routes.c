/*
 * routes.c — APAR routes. The custodian's under /v1/departments/{dept}/apar
 * (scope apar as a member of the department, with its roles there); the
 * officer's and the authorities' under /v1/apar (scope apar as the caller
 * alone: an authority of another department needs no membership of the
 * officer's). Rules: sql/state/apar/functions/ (cycle_open, chain_map,
 * completeness, form_submit, form_recuse, form_read, submission_sign,
 * may_read, may_track, policies);
 * statements apar_* in sql/queries/.
 */
#include "apar.h"

#include "../auth/uid.h"
#include "../kit/kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_FORM "No such APAR form."
#define NO_CYCLE "No such APAR cycle."
#define NO_PART "No such APAR submission."
#define MAX_SIGNATURE_B64 65536

static int dept_scope(dft_req_t *r, dft_db_scope_t *scope)
{
    return dft_kit_state_scope(r, "apar", 1, scope);
}

static void open_cycle(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dept_scope(r, &scope) != 0)
        return;
    static const char *const allowed[] = {"year", "self_due", "reporting_due", "reviewing_due", "accepting_due",
                                          "disclosure_due", NULL};
    static const char *const dates[] = {"self_due", "reporting_due", "reviewing_due", "accepting_due", "disclosure_due"};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    json_t *year = json_object_get(body, "year");
    if (!json_is_integer(year) || json_integer_value(year) < 2000 || json_integer_value(year) > 2100) {
        dft_respond_field_error(r, "year", "invalid", "year is the reporting year's first year (2025: April 2025 - March 2026).");
        return;
    }
    json_t *given = json_object();
    for (size_t i = 0; i < DFT_ARRAY_SIZE(dates); ++i) {
        const char *d;
        if (dft_kit_body_date(r, body, dates[i], &d) != 0) {
            json_decref(given);
            return;
        }
        if (d != NULL)
            json_object_set_new(given, dates[i], json_string(d));
    }
    char y[8], *text = json_dumps(given, JSON_COMPACT);
    json_decref(given);
    snprintf(y, sizeof(y), "%d", (int)json_integer_value(year));
    const char *params[] = {h2o_strdup(&r->h2o->pool, y, SIZE_MAX).base, h2o_strdup(&r->h2o->pool, text, SIZE_MAX).base};
    free(text);
    dft_db_run(r, &scope, DFT_DB_WRITE, "apar_cycle_open", params, 2, dft_kit_on_json_created, r);
}

/* The custodian's routes on one cycle or form of the department: the path's id as params[0]. */
static void custodian_run(dft_req_t *r, const char *param, const char *missing, const char *stmt, int mode)
{
    dft_db_scope_t scope;
    char id[37];
    if (dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, param, missing, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_respond(r, &scope, mode, stmt, params, 1);
}

static void get_cycle(dft_req_t *r)
{
    custodian_run(r, "cycle_id", NO_CYCLE, "apar_dashboard", DFT_DB_READ);
}

static void get_completeness(dft_req_t *r)
{
    custodian_run(r, "cycle_id", NO_CYCLE, "apar_completeness", DFT_DB_READ);
}

/* Forms for the members who joined after the cycle opened (none twice: a retry adds nothing). */
static void add_forms(dft_req_t *r)
{
    custodian_run(r, "cycle_id", NO_CYCLE, "apar_cycle_forms_add", DFT_DB_WRITE);
}

static void get_reads(dft_req_t *r)
{
    custodian_run(r, "form_id", NO_FORM, "apar_form_reads", DFT_DB_READ);
}

static void map_chain(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *version;
    if (dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "form_id", NO_FORM, id) != 0 ||
        (version = dft_kit_if_match(r, "form", 1)) == NULL)
        return;
    static const char *const allowed[] = {"reporting", "reviewing", "accepting", "period_from", "period_to", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *rep, *rev, *acc, *from = NULL, *to = NULL;
    if (body == NULL || (rep = dft_kit_body_uid(r, body, "reporting")) == NULL ||
        (rev = dft_kit_body_uid(r, body, "reviewing")) == NULL || (acc = dft_kit_body_uid(r, body, "accepting")) == NULL ||
        dft_kit_body_date(r, body, "period_from", &from) != 0 || dft_kit_body_date(r, body, "period_to", &to) != 0)
        return;
    if (from == NULL || to == NULL) {
        dft_respond_field_error(r, from == NULL ? "period_from" : "period_to", "required",
                                "The period the authorities saw the officer's work.");
        return;
    }
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, version, rep, rev, acc, from, to};
    dft_db_run(r, &scope, DFT_DB_WRITE, "apar_chain_map", params, 7, dft_kit_on_etag, r);
}

static const char *const mine_query[] = {"box", NULL};

static void list_mine(dft_req_t *r)
{
    dft_db_scope_t scope;
    static const char *const boxes[] = {"turn", "all", NULL};
    const char *box;
    if (dft_kit_state_scope(r, "apar", 0, &scope) != 0 || (box = dft_kit_query_enum(r, "box", boxes, "all")) == NULL)
        return;
    const char *params[] = {box};
    dft_db_respond(r, &scope, DFT_DB_READ, "apar_forms_mine", params, 1);
}

static int form_scope(dft_req_t *r, dft_db_scope_t *scope, char id[37])
{
    return dft_kit_state_scope(r, "apar", 0, scope) != 0 || dft_kit_path_uuid(r, "form_id", NO_FORM, id) != 0 ? -1 : 0;
}

static void on_form(void *ctx, const dft_db_reply_t *reply)
{
    if (reply->err.code == DFT_OK && reply->value == NULL)
        dft_respond_code(ctx, DFT_E_NOT_FOUND, NO_FORM);
    else
        dft_kit_on_etag(ctx, reply);
}

static void get_form(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (form_scope(r, &scope, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_run(r, &scope, DFT_DB_WRITE, "apar_form_get", params, 1, on_form, r); /* writes the read record */
}

/* A submission: only these members, each of its type (the database checks what a level needs). */
static void submit_form(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *version;
    if (form_scope(r, &scope, id) != 0 || (version = dft_kit_if_match(r, "form", 1)) == NULL)
        return;
    static const char *const texts[] = {"targets", "achievements", "pen_picture", "integrity", "justification", "reasons",
                                        "representation", NULL};
    static const char *const numbers[] = {"work_output", "personal_attributes", "functional_competency", "final_grade", NULL};
    static const char *const flags[] = {"agree", "accept", NULL};
    static const char *const allowed[] = {"targets", "achievements", "pen_picture", "integrity", "justification", "reasons",
                                          "representation", "work_output", "personal_attributes", "functional_competency",
                                          "final_grade", "agree", "accept", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL)
        return;
    for (const char *const *k = texts; *k; ++k)
        if (json_object_get(body, *k) != NULL && dft_body_text(r, body, *k, 8000, 1) == NULL)
            return;
    for (const char *const *k = numbers; *k; ++k) {
        json_t *v = json_object_get(body, *k);
        if (v != NULL && (!json_is_number(v) || json_number_value(v) < 1 || json_number_value(v) > 10)) {
            dft_respond_field_error(r, *k, "invalid", "A grade is a number from 1 to 10.");
            return;
        }
    }
    for (const char *const *k = flags; *k; ++k) {
        json_t *v = json_object_get(body, *k);
        if (v != NULL && !json_is_boolean(v)) {
            dft_respond_field_error(r, *k, "invalid", "true or false.");
            return;
        }
    }
    char *text = json_dumps(body, JSON_COMPACT);
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, version, h2o_strdup(&r->h2o->pool, text, SIZE_MAX).base};
    free(text);
    dft_db_run(r, &scope, DFT_DB_WRITE, "apar_form_submit", params, 3, dft_kit_on_etag, r);
}

static void recuse_form(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *reason;
    if (form_scope(r, &scope, id) != 0)
        return;
    static const char *const allowed[] = {"reason", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL || (reason = dft_body_text(r, body, "reason", 1000, 1)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, reason};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "apar_form_recuse", params, 2);
}

/* A level signs its part: a detached CMS signature over the submission's hash (which chains every
 * earlier part), verified on a worker against the caller's registered certificates and the trusted
 * CAs before the database stores it (lib/kit signed writes, as for notes). */
static const dft_sign_target_t part_target = {NO_PART, "apar_submission_to_sign", "apar_submission_sign"};

static void on_part_signed(void *ctx, const dft_db_reply_t *reply)
{
    dft_req_t *r = ctx;
    if (reply->err.code != DFT_OK)
        dft_respond_error(r, &reply->err);
    else if (reply->value == NULL)
        dft_respond_code(r, DFT_E_NOT_FOUND, NO_PART);
    else
        dft_respond_json(r, 201, reply->value, reply->len);
}

static void sign_part(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *n, *b64;
    if (form_scope(r, &scope, id) != 0 || (n = dft_kit_path_number(r, "n", 1000, NO_PART)) == NULL)
        return;
    static const char *const allowed[] = {"signature", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    if (body == NULL || (b64 = dft_body_string(r, body, "signature", MAX_SIGNATURE_B64)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, n};
    dft_kit_signed_write(r, &scope, &part_target, params, 2, b64, on_part_signed);
}

#define DEPT "/v1/departments/{dept}/apar"

static const dft_route_t routes[] = {
    {.method = "POST", .path = DEPT "/cycles", .name = "openAparCycle", .handler = open_cycle},
    {.method = "GET", .path = DEPT "/cycles/{cycle_id}", .name = "getAparCycle", .handler = get_cycle},
    {.method = "GET", .path = DEPT "/cycles/{cycle_id}/completeness", .name = "getAparCompleteness",
     .handler = get_completeness},
    {.method = "POST", .path = DEPT "/cycles/{cycle_id}/forms", .name = "addAparForms", .handler = add_forms},
    {.method = "PUT", .path = DEPT "/forms/{form_id}/chain", .name = "mapAparChain", .handler = map_chain},
    {.method = "GET", .path = DEPT "/forms/{form_id}/reads", .name = "getAparReads", .handler = get_reads},
    {.method = "GET", .path = "/v1/apar/forms", .name = "listMyAparForms", .handler = list_mine, .query = mine_query},
    {.method = "GET", .path = "/v1/apar/forms/{form_id}", .name = "getAparForm", .handler = get_form},
    {.method = "POST", .path = "/v1/apar/forms/{form_id}/submissions", .name = "submitAparForm", .handler = submit_form},
    {.method = "POST", .path = "/v1/apar/forms/{form_id}/recusal", .name = "recuseAparForm", .handler = recuse_form},
    {.method = "POST", .path = "/v1/apar/forms/{form_id}/submissions/{n}/signature", .name = "signAparSubmission",
     .handler = sign_part},
};
const dft_route_table_t dft_apar_routes = {routes, DFT_ARRAY_SIZE(routes)};
