/*
 * documents.c — e-File's documents: those of a file (many) and a receipt's
 * scanned letter (one). Upload, storage, encryption and download are the
 * kit's attachments (lib/kit/attach.c); this file says where a document
 * goes and which statements store and read it.
 */
#include "files.h"
#include "../kit/kit.h"

#include "../core/core.h"

static const dft_attach_target_t to_file = {"file_id", "No such file.", "document_classification", "document_add",
                                            .idempotent = 1};
static const dft_attach_target_t to_receipt = {"receipt_id", "No such receipt.", "receipt_classification", "receipt_document_add"};

static void upload_file_document(dft_req_t *r)
{
    dft_attach_upload(r, &to_file);
}

static void upload_receipt_document(dft_req_t *r)
{
    dft_attach_upload(r, &to_receipt);
}

static void get_file_document(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37], doc[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "file_id", "No such file.", id) != 0 ||
        dft_kit_path_uuid(r, "doc_id", "No such document.", doc) != 0)
        return;
    const char *params[] = {id, doc};
    dft_attach_download(r, &scope, "document_get", params, 2);
}

static void get_receipt_document(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37];
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "receipt_id", "No such receipt.", id) != 0)
        return;
    const char *params[] = {id};
    dft_attach_download(r, &scope, "receipt_document_get", params, 1);
}

static void list_documents(dft_req_t *r)
{
    dft_db_scope_t scope;
    char id[37], limit[8];
    const char *cursor;
    if (dft_kit_dept_scope(r, &scope) != 0 || dft_kit_path_uuid(r, "file_id", "No such file.", id) != 0 ||
        dft_kit_page_limit(r, limit) != 0 || (cursor = dft_kit_cursor(r)) == NULL)
        return;
    const char *params[] = {h2o_strdup(&r->h2o->pool, id, 36).base, cursor, limit};
    dft_db_respond(r, &scope, DFT_DB_WRITE, "documents_list", params, 3); /* audits */
}

static const dft_route_t routes[] = {
    {.method = "POST", .path = "/v1/departments/{dept}/files/{file_id}/documents", .name = "uploadDocument",
     .handler = upload_file_document, .query = dft_attach_upload_query, .flags = DFT_ROUTE_UPLOAD, .scope = "files:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/documents", .name = "listDocuments",
     .handler = list_documents, .query = dft_kit_page_query, .scope = "files:read"},
    {.method = "GET", .path = "/v1/departments/{dept}/files/{file_id}/documents/{doc_id}", .name = "getDocument",
     .handler = get_file_document, .scope = "files:read"},
    {.method = "PUT", .path = "/v1/departments/{dept}/receipts/{receipt_id}/document", .name = "uploadReceiptDocument",
     .handler = upload_receipt_document, .query = dft_attach_upload_query, .flags = DFT_ROUTE_UPLOAD, .scope = "receipts:write"},
    {.method = "GET", .path = "/v1/departments/{dept}/receipts/{receipt_id}/document", .name = "getReceiptDocument",
     .handler = get_receipt_document, .scope = "receipts:read"},
};

const dft_route_table_t dft_documents_routes = {routes, DFT_ARRAY_SIZE(routes)};
