/*
 * references.c — flags on notes and links between files:
 *   POST .../files/{file_id}/notes/{n}/flags   the draft's author flags a receipt or document of the file,
 *                                              or an earlier note of it
 *   GET  .../files/{file_id}/flags             every flag the caller may read, with where to follow it
 *   POST .../files/{file_id}/links             the holder links the file to another they may see
 *   GET  .../files/{file_id}/links             the linked files the caller may see
 * Rules: sql/dept/0027_references.sql, functions/note_flag_*.sql, file_link.sql and their policies.
 */
#include "files.h"
#include "../kit/kit.h"

#include "../core/core.h"

#include <string.h>

static const char *const kinds[] = {"receipt", "document", "note", NULL};

static int file_id(dft_req_t *r, dft_db_scope_t *scope, char out[37])
{
    return dft_kit_dept_scope(r, scope) != 0 || dft_kit_path_uuid(r, "file_id", "No such file.", out) != 0 ? -1 : 0;
}

static void add_flag(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    const char *n;
    if (file_id(r, &scope, id) != 0 || (n = dft_kit_path_number(r, "n", 1000000, "No such note.")) == NULL)
        return;
    static const char *const allowed[] = {"kind", "receipt_id", "document_id", "note", "label", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *kind, *label, *target = NULL, *note = NULL;
    if (body == NULL || (kind = dft_kit_body_enum(r, body, "kind", kinds, NULL)) == NULL ||
        (label = dft_body_text(r, body, "label", 200, 0)) == NULL)
        return;
    if (strcmp(kind, "receipt") == 0)
        target = dft_kit_body_uuid(r, body, "receipt_id");
    else if (strcmp(kind, "document") == 0)
        target = dft_kit_body_uuid(r, body, "document_id");
    else
        note = dft_kit_body_int(r, body, "note", 1, 1000000, NULL);
    const char *idem[2];
    if ((target == NULL && note == NULL) || dft_kit_idempotent(r, idem) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, n, kind, target, note, label, idem[0], idem[1]};
    dft_db_run(r, &scope, DFT_DB_WRITE, "note_flag_add", params, 8, dft_kit_on_created, r);
}

static void list_of_file(dft_req_t *r, const char *stmt)
{
    dft_db_scope_t scope;
    char id[37];
    if (file_id(r, &scope, id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_respond(r, &scope, DFT_DB_WRITE, stmt, params, 1); /* audits confidential reads */
}

static void list_flags(dft_req_t *r)
{
    list_of_file(r, "note_flags_list");
}

static void add_link(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (file_id(r, &scope, id) != 0)
        return;
    static const char *const allowed[] = {"file_id", "remarks", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *other, *remarks, *idem[2];
    if (body == NULL || (other = dft_kit_body_uuid(r, body, "file_id")) == NULL ||
        (remarks = dft_body_text(r, body, "remarks", 500, 0)) == NULL || dft_kit_idempotent(r, idem) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, other, remarks, idem[0], idem[1]};
    dft_db_run(r, &scope, DFT_DB_WRITE, "file_link", params, 5, dft_kit_on_created, r);
}

static void list_links(dft_req_t *r)
{
    list_of_file(r, "file_links_list");
}

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/notes/{n}/flags", .name = "addNoteFlag",
     .handler = add_flag, .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/flags", .name = "listNoteFlags", .handler = list_flags,
     .scope = "files:read"},
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/links", .name = "linkFile", .handler = add_link,
     .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/links", .name = "listLinks", .handler = list_links,
     .scope = "files:read"},
};

const dft_route_table_t dft_reference_routes = {routes, DFT_ARRAY_SIZE(routes)};
