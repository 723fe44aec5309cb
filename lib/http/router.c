/*
 * router.c — segment trie over the static route tables.
 *
 * A node is one path segment: either a literal ("departments") or a parameter
 * ("{dept}"). Literal children are tried before the parameter child, so
 * "/v1/departments/summary" can coexist with "/v1/departments/{dept}". Each
 * node holds at most one route per method. Paths are matched raw and
 * percent-decoded per segment, so an encoded '/' can never split a segment.
 */
#include "router.h"

#include "../core/core.h"

#include <stdlib.h>
#include <string.h>

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
#define NUM_METHODS DFT_ARRAY_SIZE(methods)

typedef struct node_t {
    char *literal; /* NULL for a parameter node */
    char *param_name;
    struct node_t **children;
    size_t num_children;
    struct node_t *param_child;
    const dft_route_t *routes[NUM_METHODS];
    size_t indexes[NUM_METHODS];
} node_t;

struct dft_router_t {
    node_t root;
    const dft_route_t **all; /* in table order; a route's index is its place here */
    size_t count;
};

static int method_index(const char *m, size_t len)
{
    for (size_t i = 0; i < NUM_METHODS; ++i)
        if (strlen(methods[i]) == len && memcmp(methods[i], m, len) == 0)
            return (int)i;
    return -1;
}

static node_t *child_for(node_t *parent, const char *seg, size_t len, const dft_route_t *route)
{
    if (len >= 2 && seg[0] == '{' && seg[len - 1] == '}') {
        if (parent->param_child == NULL) {
            parent->param_child = dft_calloc(1, sizeof(node_t));
            parent->param_child->param_name = dft_strndup(seg + 1, len - 2);
        } else if (strlen(parent->param_child->param_name) != len - 2 ||
                   memcmp(parent->param_child->param_name, seg + 1, len - 2) != 0) {
            dft_fatal("route %s %s: parameter name differs from a sibling route", route->method, route->path);
        }
        return parent->param_child;
    }
    for (size_t i = 0; i < parent->num_children; ++i)
        if (strlen(parent->children[i]->literal) == len && memcmp(parent->children[i]->literal, seg, len) == 0)
            return parent->children[i];
    node_t *n = dft_calloc(1, sizeof(node_t));
    n->literal = dft_strndup(seg, len);
    parent->children = dft_realloc(parent->children, (parent->num_children + 1) * sizeof(node_t *));
    parent->children[parent->num_children++] = n;
    return n;
}

#define SCOPE_NAME(n) n,
static const char *const scope_names[] = {DFT_SCOPES(SCOPE_NAME)};
#undef SCOPE_NAME

uint32_t dft_scope_bit(const char *name, size_t len)
{
    for (size_t i = 0; i < DFT_ARRAY_SIZE(scope_names); ++i)
        if (strlen(scope_names[i]) == len && memcmp(scope_names[i], name, len) == 0)
            return 1u << i;
    return 0;
}

const char *dft_scope_name(unsigned i)
{
    return i < DFT_ARRAY_SIZE(scope_names) ? scope_names[i] : NULL;
}

static void add_route(dft_router_t *r, const dft_route_t *route)
{
    if (route->scope != NULL &&
        (dft_scope_bit(route->scope, strlen(route->scope)) == 0 || (route->flags & DFT_ROUTE_PUBLIC)))
        dft_fatal("route %s %s: unknown scope %s, or a scope on a public route", route->method, route->path, route->scope);
    const char *p = route->path;
    int mi = method_index(route->method, strlen(route->method));
    if (p[0] != '/' || mi < 0)
        dft_fatal("route %s %s: bad method or path", route->method, route->path);
    size_t num_query = 0;
    while (route->query != NULL && route->query[num_query] != NULL)
        ++num_query;
    if (num_query > DFT_MAX_QUERY)
        dft_fatal("route %s %s: more than %d query parameters", route->method, route->path, DFT_MAX_QUERY);
    node_t *n = &r->root;
    size_t num_params = 0;
    while (*p == '/' && p[1] != '\0') {
        const char *seg = p + 1, *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        if (len == 0)
            dft_fatal("route %s %s: empty segment", route->method, route->path);
        if (seg[0] == '{' && ++num_params > DFT_MAX_PARAMS)
            dft_fatal("route %s %s: too many parameters", route->method, route->path);
        n = child_for(n, seg, len, route);
        p = seg + len;
    }
    if (n->routes[mi] != NULL)
        dft_fatal("route %s %s defined twice", route->method, route->path);
    n->routes[mi] = route;
    n->indexes[mi] = r->count;
    r->all = dft_realloc(r->all, (r->count + 1) * sizeof(*r->all));
    r->all[r->count++] = route;
}

const dft_route_t *dft_router_route(const dft_router_t *r, size_t index)
{
    return index < r->count ? r->all[index] : NULL;
}

dft_router_t *dft_router_new(const dft_route_table_t *const *tables, size_t num_tables)
{
    dft_router_t *r = dft_calloc(1, sizeof(*r));
    for (size_t t = 0; t < num_tables; ++t)
        for (size_t i = 0; i < tables[t]->count; ++i)
            add_route(r, &tables[t]->routes[i]);
    return r;
}

static void free_node(node_t *n)
{
    for (size_t i = 0; i < n->num_children; ++i) {
        free_node(n->children[i]);
        free(n->children[i]);
    }
    if (n->param_child != NULL) {
        free_node(n->param_child);
        free(n->param_child);
    }
    free(n->children);
    free(n->literal);
    free(n->param_name);
}

void dft_router_free(dft_router_t *r)
{
    if (r == NULL)
        return;
    free_node(&r->root);
    free(r->all);
    free(r);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int dft_percent_decode(const char *src, size_t len, char *dst, size_t *out_len, int plus_is_space, int reject_slash)
{
    size_t o = 0;
    for (size_t i = 0; i < len; ++i) {
        unsigned char c = (unsigned char)src[i];
        if (c == '%') {
            int hi, lo;
            if (i + 2 >= len || (hi = hexval(src[i + 1])) < 0 || (lo = hexval(src[i + 2])) < 0)
                return -1;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
            if (reject_slash && c == '/')
                return -1;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c < 0x20 || c == 0x7f)
            return -1;
        dst[o++] = (char)c;
    }
    if (dft_utf8_chars(dst, o) == SIZE_MAX)
        return -1; /* names and values are text: handlers and PostgreSQL see valid UTF-8 only */
    *out_len = o;
    return 0;
}

dft_code_t dft_router_match(const dft_router_t *router, const char *method, size_t method_len, const char *path,
                            size_t path_len, char *scratch, dft_match_t *m)
{
    m->route = NULL;
    m->route_index = router->count;
    m->num_params = 0;
    m->allow[0] = '\0';
    if (path_len == 0 || path[0] != '/')
        return DFT_E_NOT_FOUND;
    if (path_len > 1 && path[path_len - 1] == '/')
        return DFT_E_NOT_FOUND; /* no trailing slashes, except the root "/" itself */
    const node_t *n = &router->root;
    size_t pos = path_len == 1 ? 1 : 0, out = 0;
    while (pos < path_len) {
        /* path[pos] == '/' */
        size_t start = pos + 1, end = start;
        while (end < path_len && path[end] != '/')
            ++end;
        size_t seg_len = end - start;
        if (seg_len == 0)
            return DFT_E_NOT_FOUND;
        char *dec = scratch + out;
        size_t dec_len;
        if (dft_percent_decode(path + start, seg_len, dec, &dec_len, 0, 1) != 0)
            return DFT_E_INVALID;
        const node_t *next = NULL;
        for (size_t i = 0; i < n->num_children; ++i) {
            const char *lit = n->children[i]->literal;
            if (strlen(lit) == dec_len && memcmp(lit, dec, dec_len) == 0) {
                next = n->children[i];
                break;
            }
        }
        if (next == NULL && n->param_child != NULL) {
            next = n->param_child;
            m->params[m->num_params].name = next->param_name;
            m->params[m->num_params].value = (dft_str_t){dec, dec_len};
            ++m->num_params;
        }
        if (next == NULL)
            return DFT_E_NOT_FOUND;
        n = next;
        out += dec_len;
        pos = end;
    }
    int mi = method_index(method, method_len);
    if (mi >= 0 && n->routes[mi] != NULL) {
        m->route = n->routes[mi];
        m->route_index = n->indexes[mi];
        return DFT_OK;
    }
    size_t k = 0;
    for (size_t i = 0; i < NUM_METHODS; ++i) {
        if (n->routes[i] == NULL)
            continue;
        size_t l = strlen(methods[i]);
        if (k + l + 3 > sizeof(m->allow))
            break;
        if (k != 0) {
            memcpy(m->allow + k, ", ", 2);
            k += 2;
        }
        memcpy(m->allow + k, methods[i], l);
        k += l;
    }
    m->allow[k] = '\0';
    if (k == 0) {
        m->num_params = 0;
        return DFT_E_NOT_FOUND;
    }
    return DFT_E_METHOD_NOT_ALLOWED;
}

const dft_str_t *dft_param_get(const dft_param_t *params, size_t count, const char *name)
{
    for (size_t i = 0; i < count; ++i)
        if (strcmp(params[i].name, name) == 0)
            return &params[i].value;
    return NULL;
}

static const char *allowed_name(const char *const *allowed, const char *name, size_t len)
{
    for (; allowed != NULL && *allowed != NULL; ++allowed)
        if (strlen(*allowed) == len && memcmp(*allowed, name, len) == 0)
            return *allowed;
    return NULL;
}

dft_code_t dft_query_parse(const char *query, size_t len, const char *const *allowed, char *scratch, dft_query_t *q)
{
    q->count = 0;
    q->bad_name = q->bad_reason = NULL;
    size_t pos = 0, out = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && query[end] != '&')
            ++end;
        if (end == pos) { /* empty pair: "a=1&&b=2" */
            ++pos;
            continue;
        }
        size_t eq = pos;
        while (eq < end && query[eq] != '=')
            ++eq;
        char *name = scratch + out;
        size_t name_len, value_len;
        if (dft_percent_decode(query + pos, eq - pos, name, &name_len, 1, 0) != 0) {
            q->bad_name = "?";
            q->bad_reason = "bad_encoding";
            return DFT_E_INVALID;
        }
        name[name_len] = '\0';
        out += name_len + 1;
        const char *known = allowed_name(allowed, name, name_len);
        if (known == NULL) {
            q->bad_name = name;
            q->bad_reason = "unknown_parameter";
            return DFT_E_INVALID;
        }
        char *value = scratch + out;
        const char *vsrc = eq < end ? query + eq + 1 : query + end;
        if (dft_percent_decode(vsrc, (size_t)(query + end - vsrc), value, &value_len, 1, 0) != 0) {
            q->bad_name = known;
            q->bad_reason = "bad_encoding";
            return DFT_E_INVALID;
        }
        out += value_len;
        if (dft_param_get(q->items, q->count, known) != NULL) {
            q->bad_name = known;
            q->bad_reason = "repeated_parameter";
            return DFT_E_INVALID;
        }
        if (q->count == DFT_MAX_QUERY) {
            q->bad_name = known;
            q->bad_reason = "too_many_parameters";
            return DFT_E_INVALID;
        }
        q->items[q->count++] = (dft_param_t){known, {value, value_len}};
        pos = end + 1;
    }
    return DFT_OK;
}
