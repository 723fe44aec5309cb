/*
 * records.c — retention and the record room (issue 27): the records officer
 * receives a closed file into the record room with its head's retention
 * category (POST .../files/{file_id}/record-room), lists the files due for
 * review or weeding (GET .../record-room?due_by=), weeds a due file with
 * their digital signature over what goes and on whose order
 * (POST .../files/{file_id}/weeding), and reads the signed, hash-chained
 * record of weedings, verified (GET .../weedings). Rules:
 * sql/dept/0030_record_room.sql, functions/record_room_*.sql, file_weed.sql,
 * weeding_*.sql; the guard triggers of the content weeding removes.
 */
#include "files.h"
#include "../kit/kit.h"

#include "../core/core.h"

#define MAX_SIGNATURE_B64 65536

static void receive_file(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "file_id", "No such file.", id) != 0)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base};
    dft_db_run(r, &scope, DFT_DB_WRITE, "record_room_receive", params, 1, dft_kit_on_etag, r);
}

static void list_due(dft_req_t *r)
{
    dft_db_scope_t scope;
    const char *by;
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_query_date(r, "due_by", &by) != 0)
        return;
    const char *params[] = {by};
    dft_db_respond(r, &scope, DFT_DB_READ, "record_room_due", params, 1);
}

static const dft_sign_target_t weeding = {"No such file.", "weeding_to_sign", "file_weed", 3};

static void weed_file(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "file_id", "No such file.", id) != 0)
        return;
    static const char *const allowed[] = {"order_ref", "ordered_by", "signature", NULL};
    json_t *body = dft_req_json_object(r, allowed);
    const char *order, *by, *b64;
    if (body == NULL || (order = dft_body_text(r, body, "order_ref", 200, 1)) == NULL ||
        (by = dft_kit_body_uid(r, body, "ordered_by")) == NULL ||
        (b64 = dft_body_string(r, body, "signature", MAX_SIGNATURE_B64)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, order, by};
    dft_kit_signed_write(r, &scope, &weeding, params, 3, b64, dft_kit_on_json_created);
}

static void list_weedings(dft_req_t *r)
{
    dft_db_scope_t scope;
    if (dft_kit_dept_scope(r, &scope) != 0)
        return;
    dft_db_respond(r, &scope, DFT_DB_READ, "weedings_list", NULL, 0);
}

static const char *const due_query[] = {"due_by", NULL};

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/record-room", .name = "receiveInRecordRoom",
     .handler = receive_file, .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/record-room", .name = "listRecordRoomDue", .handler = list_due,
     .query = due_query, .scope = "files:read"},
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/weeding", .name = "weedFile", .handler = weed_file,
     .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/weedings", .name = "listWeedings", .handler = list_weedings,
     .scope = "files:read"},
};

const dft_route_table_t dft_records_routes = {routes, DFT_ARRAY_SIZE(routes)};
