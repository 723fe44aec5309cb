/*
 * routes.c — /v1/departments: public metadata of the state's departments.
 *
 * The list comes from the catalog; a single department is read from its own
 * schema under its own role, which is the path every department resource
 * takes (resolve -> scope -> one query).
 */
#include "tenant.h"

#include "../core/core.h"
#include "../http/server.h"

#include <string.h>

/* Parses ?limit= (1..100, default 20) and ?cursor= (a department code); 0 or -1 after responding 400. */
static int page_params(dft_req_t *r, char *limit, size_t limit_size, char *cursor, size_t cursor_size)
{
    const dft_str_t *c = dft_req_query(r, "cursor");
    (void)limit_size;
    if (dft_req_limit(r, limit) != 0)
        return -1;
    cursor[0] = '\0';
    if (c != NULL && c->len > 0) {
        if (!dft_tenant_code_valid(c->base, c->len)) {
            dft_respond_field_error(r, "cursor", "malformed", "cursor must be a next_cursor value from a previous page.");
            return -1;
        }
        snprintf(cursor, cursor_size, "%.*s", (int)c->len, c->base);
    }
    return 0;
}

static void list_departments(dft_req_t *r)
{
    char limit[8], cursor[40];
    if (page_params(r, limit, sizeof(limit), cursor, sizeof(cursor)) != 0)
        return;
    const char *params[] = {cursor, limit};
    dft_db_respond(r, NULL, DFT_DB_READ, "departments_list", params, 2);
}

static void get_department(dft_req_t *r)
{
    dft_db_scope_t scope;
    dft_code_t rc = dft_tenant_resolve(r, dft_req_param(r, "dept"), &scope);
    if (rc != DFT_OK) {
        dft_respond_code(r, rc,
                         rc == DFT_E_NOT_FOUND    ? "No department has this code."
                         : rc == DFT_E_FORBIDDEN ? "This department is suspended."
                                                 : "The department is not available yet; retry shortly.");
        return;
    }
    dft_db_respond(r, &scope, DFT_DB_READ, "department_get", NULL, 0);
}

static const char *const page_query[] = {"limit", "cursor", NULL};

static const dft_route_t routes[] = {
    {.method = "GET", .path = "/v1/departments", .name = "listDepartments", .handler = list_departments,
     .query = page_query, .flags = DFT_ROUTE_PUBLIC},
    {.method = "GET", .path = "/v1/departments/{dept}", .name = "getDepartment", .handler = get_department,
     .flags = DFT_ROUTE_PUBLIC},
};

const dft_route_table_t dft_tenant_routes = {routes, DFT_ARRAY_SIZE(routes)};
