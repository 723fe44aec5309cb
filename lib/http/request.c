/*
 * request.c — the request pipeline, in a fixed order:
 *   request id -> language -> CORS -> route -> query -> handler,
 * and the response helpers every handler uses. Errors from any step are
 * rendered by dft_respond_error() as problem+json.
 *
 * Responses that h2o makes itself (body too large, malformed HTTP) bypass
 * the pipeline; a filter rewrites those into problem+json too, so a client
 * never sees an error in any other shape.
 *
 * Access log and metrics are written when the request's pool is released,
 * which h2o does after the last byte is sent or the client went away.
 */
#include "server.h"

#include "../core/core.h"
#include "../core/log.h"
#include "../core/cidr.h"
#include "compress.h"
#include "problem.h"
#include "schema.h"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <string.h>

/* One per listener kind: the API's routes, or the metrics listener's. */
typedef struct handler_t {
    h2o_handler_t super;
    dft_server_t *server;
    dft_router_t *router;
    int metrics;
} handler_t;

static const char PROBLEM_TYPE[] = "application/problem+json";

/* Reason phrases for HTTP/1.1 status lines. The error filter below tells our
 * responses from h2o's own by whether res.reason points into this table. */
static const struct {
    int status;
    const char *reason;
} reasons[] = {
    {200, "OK"}, {201, "Created"}, {202, "Accepted"}, {204, "No Content"}, {304, "Not Modified"},
    {400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"}, {404, "Not Found"}, {405, "Method Not Allowed"},
    {406, "Not Acceptable"}, {409, "Conflict"}, {412, "Precondition Failed"}, {413, "Content Too Large"},
    {415, "Unsupported Media Type"}, {422, "Unprocessable Content"}, {428, "Precondition Required"},
    {429, "Too Many Requests"}, {431, "Request Header Fields Too Large"}, {500, "Internal Server Error"},
    {503, "Service Unavailable"}, {0, "Status"},
};

static const char *reason_for(int status)
{
    size_t i = 0;
    while (reasons[i].status != 0 && reasons[i].status != status)
        ++i;
    return reasons[i].reason;
}

static int is_our_reason(const char *p)
{
    for (size_t i = 0; i < DFT_ARRAY_SIZE(reasons); ++i)
        if (reasons[i].reason == p)
            return 1;
    return 0;
}

/* ------------------------------------------------------------ small parts */

int dft_request_id_valid(const char *s, size_t len)
{
    if (len == 0 || len > 64)
        return 0;
    for (size_t i = 0; i < len; ++i) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == ':' || c == '-'))
            return 0;
    }
    return 1;
}

static void make_request_id(dft_thread_t *t, const h2o_req_t *req, char *out, size_t size)
{
    ssize_t i = h2o_find_header_by_str(&req->headers, H2O_STRLIT("x-request-id"), -1);
    if (i >= 0 && dft_request_id_valid(req->headers.entries[i].value.base, req->headers.entries[i].value.len)) {
        memcpy(out, req->headers.entries[i].value.base, req->headers.entries[i].value.len);
        out[req->headers.entries[i].value.len] = '\0';
        return;
    }
    snprintf(out, size, "%s%012llx", t->id_prefix, (unsigned long long)++t->id_counter);
}

/* "hi", "hi-IN", "hi;q=0.9,en" choose Hindi: the first listed language wins. */
static int wants_hindi(const h2o_req_t *req)
{
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_ACCEPT_LANGUAGE, -1);
    if (i < 0)
        return 0;
    h2o_iovec_t v = req->headers.entries[i].value;
    size_t p = 0;
    while (p < v.len && v.base[p] == ' ')
        ++p;
    return v.len - p >= 2 && (v.base[p] == 'h' || v.base[p] == 'H') && (v.base[p + 1] == 'i' || v.base[p + 1] == 'I') &&
           (v.len - p == 2 || v.base[p + 2] == '-' || v.base[p + 2] == ';' || v.base[p + 2] == ',');
}

static h2o_iovec_t allowed_origin(const dft_config_t *c, const h2o_req_t *req)
{
    ssize_t i = h2o_find_header_by_str(&req->headers, H2O_STRLIT("origin"), -1);
    if (i < 0 || c->cors_origins[0] == '\0')
        return h2o_iovec_init(NULL, 0);
    h2o_iovec_t o = req->headers.entries[i].value;
    const char *p = c->cors_origins;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && *p == ' ')
            ++p, --len;
        while (len && p[len - 1] == ' ')
            --len;
        if (len == o.len && memcmp(p, o.base, len) == 0)
            return o;
        if (end == NULL)
            break;
        p = end + 1;
    }
    return h2o_iovec_init(NULL, 0);
}

size_t dft_json_depth(const char *s, size_t len)
{
    size_t depth = 0, max = 0;
    int in_string = 0;
    for (size_t i = 0; i < len; ++i) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                max = depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return max;
}

size_t dft_json_compact(char *dst, const char *src, size_t len)
{
    size_t n = 0;
    int in_string = 0;
    for (size_t i = 0; i < len; ++i) {
        char c = src[i];
        if (in_string) {
            if (c == '\\' && i + 1 < len) {
                dst[n++] = c;
                c = src[++i];
            } else if (c == '"') {
                in_string = 0;
            }
        } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            continue;
        } else if (c == '"') {
            in_string = 1;
        }
        dst[n++] = c;
    }
    return n;
}

/* -------------------------------------------------------------- responses */

/* h2o keeps pointers to header names and values, never copies: values go to the pool. */
void dft_add_header(dft_req_t *r, const char *name, const char *value)
{
    h2o_iovec_t v = h2o_strdup(&r->h2o->pool, value, SIZE_MAX);
    h2o_add_header_by_str(&r->h2o->pool, &r->h2o->res.headers, name, strlen(name), 1, NULL, v.base, v.len);
}

static void add_common_headers(dft_req_t *r)
{
    h2o_req_t *req = r->h2o;
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"), 0, NULL, r->request_id,
                          strlen(r->request_id));
    if (h2o_find_header(&req->res.headers, H2O_TOKEN_CACHE_CONTROL, -1) < 0) /* a handler may have said otherwise */
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL, H2O_STRLIT("no-store"));
    h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-content-type-options"), 0, NULL,
                          H2O_STRLIT("nosniff"));
    if (r->thread->read_only)
        h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("daftar-mode"), 0, NULL, H2O_STRLIT("read-only"));
    if (r->cors_origin.base != NULL) {
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ACCESS_CONTROL_ALLOW_ORIGIN, NULL, r->cors_origin.base,
                       r->cors_origin.len);
        h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("access-control-expose-headers"), 0, NULL,
                              H2O_STRLIT("x-request-id, etag, retry-after, location, idempotent-replayed, "
                                         "www-authenticate, content-disposition, daftar-mode"));
    }
    if (r->thread->server->config->cors_origins[0] != '\0')
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_VARY, NULL, H2O_STRLIT("origin"));
}

/* Status, the headers every response has, and the type; returns whether the
 * type is one daftar compresses (it then varies with Accept-Encoding). */
static int start_response(dft_req_t *r, int status, const char *content_type)
{
    assert(!r->responded);
    r->responded = 1;
    h2o_req_t *req = r->h2o;
    req->res.status = status;
    req->res.reason = reason_for(status);
    add_common_headers(r);
    if (content_type == NULL)
        return 0;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, content_type, strlen(content_type));
    if (!dft_compress_type(content_type))
        return 0;
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_VARY, NULL, H2O_STRLIT("accept-encoding"));
    return 1;
}

static void send_whole(h2o_req_t *req, h2o_iovec_t body)
{
    static h2o_generator_t generator = {NULL, NULL};
    req->res.content_length = body.len;
    h2o_start_response(req, &generator);
    h2o_send(req, &body, body.len ? 1 : 0, H2O_SEND_STATE_FINAL);
}

void dft_respond_stream(dft_req_t *r, int status, const char *content_type, h2o_generator_t *generator)
{
    start_response(r, status, content_type);
    h2o_start_response(r->h2o, generator);
}

int dft_etag_listed(const char *list, size_t len, const char *etag, size_t etag_len)
{
    if (etag_len >= 2 && etag[0] == 'W' && etag[1] == '/') /* weak comparison (RFC 9110 13.1.2) */
        etag += 2, etag_len -= 2;
    while (len > 0) {
        const char *comma = memchr(list, ',', len);
        size_t n = comma ? (size_t)(comma - list) : len;
        const char *t = list;
        size_t tn = n;
        while (tn && (*t == ' ' || *t == '\t'))
            ++t, --tn;
        while (tn && (t[tn - 1] == ' ' || t[tn - 1] == '\t'))
            --tn;
        if (tn == 1 && *t == '*')
            return 1;
        if (tn >= 2 && t[0] == 'W' && t[1] == '/')
            t += 2, tn -= 2;
        if (tn == etag_len && tn >= 2 && memcmp(t, etag, tn) == 0)
            return 1;
        if (comma == NULL)
            break;
        list = comma + 1, len -= n + 1;
    }
    return 0;
}

/* A GET answered 200 with JSON gets an ETag: the handler's (a version, a digest), or else a
 * weak one from the body's SHA-256. When If-None-Match names it, the answer is 304 with no
 * body; returns 1 then (the response is sent). */
static int not_modified(dft_req_t *r, int status, const char *content_type, h2o_iovec_t body)
{
    h2o_req_t *req = r->h2o;
    if (status != 200 || !h2o_memis(req->method.base, req->method.len, H2O_STRLIT("GET")))
        return 0;
    ssize_t have = h2o_find_header_by_str(&req->res.headers, H2O_STRLIT("etag"), -1);
    h2o_iovec_t etag;
    if (have >= 0) {
        etag = req->res.headers.entries[have].value;
    } else {
        if (content_type == NULL || !dft_compress_type(content_type))
            return 0;
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned mdlen = 0;
        EVP_Digest(body.base, body.len, md, &mdlen, EVP_sha256(), NULL);
        char *tag = h2o_mem_alloc_pool(&req->pool, 2 + 1 + 24 + 1 + 1);
        static const char hex[] = "0123456789abcdef";
        memcpy(tag, "W/\"", 3);
        for (size_t i = 0; i < 12; ++i) {
            tag[3 + 2 * i] = hex[md[i] >> 4];
            tag[3 + 2 * i + 1] = hex[md[i] & 15];
        }
        memcpy(tag + 27, "\"", 2);
        etag = h2o_iovec_init(tag, 28);
        h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("etag"), 0, NULL, etag.base, etag.len);
    }
    ssize_t inm = h2o_find_header(&req->headers, H2O_TOKEN_IF_NONE_MATCH, -1);
    int match = 0;
    for (; inm >= 0 && !match; inm = h2o_find_header(&req->headers, H2O_TOKEN_IF_NONE_MATCH, inm))
        match = dft_etag_listed(req->headers.entries[inm].value.base, req->headers.entries[inm].value.len, etag.base, etag.len);
    if (!match)
        return 0;
    start_response(r, 304, NULL);
    if (content_type != NULL && dft_compress_type(content_type)) /* what the 200 would have said */
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_VARY, NULL, H2O_STRLIT("accept-encoding"));
    send_whole(req, h2o_iovec_init(NULL, 0));
    return 1;
}

/* A POST answered 201 names what it made: Location is the request's path and the body's "id",
 * when that is a path the API serves with GET (a file, a document, a receipt ...). Handlers
 * that say otherwise set Location themselves. */
static void add_location(dft_req_t *r, const char *content_type, h2o_iovec_t body)
{
    h2o_req_t *req = r->h2o;
    if (!h2o_memis(req->method.base, req->method.len, H2O_STRLIT("POST")) || content_type == NULL ||
        strcmp(content_type, "application/json") != 0 ||
        h2o_find_header_by_str(&req->res.headers, H2O_STRLIT("location"), -1) >= 0)
        return;
    json_t *j = json_loadb(body.base, body.len, 0, NULL);
    const char *id = json_string_value(json_object_get(j, "id"));
    size_t path_len = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
    if (id != NULL && strlen(id) <= 64 && strspn(id, "0123456789abcdefABCDEF-") == strlen(id) && path_len < 1024) {
        dft_buf_t b = {0};
        dft_buf_append(&b, req->path.base, path_len);
        dft_buf_printf(&b, "/%s", id);
        char *scratch = h2o_mem_alloc_pool(&req->pool, b.len + 1);
        dft_match_t m;
        if (dft_router_match(r->thread->server->router, "GET", 3, b.data, b.len, scratch, &m) == DFT_OK) {
            h2o_iovec_t v = h2o_strdup(&req->pool, b.data, b.len);
            h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_LOCATION, NULL, v.base, v.len);
        }
        dft_buf_dispose(&b);
    }
    json_decref(j);
}

void dft_respond(dft_req_t *r, int status, const char *content_type, h2o_iovec_t body)
{
    const dft_config_t *cf = r->thread->server->config;
    if (not_modified(r, status, content_type, body))
        return;
    if (status == 201)
        add_location(r, content_type, body);
    if (start_response(r, status, content_type) && body.len >= DFT_COMPRESS_MIN &&
        dft_compress_send(r->h2o, body, dft_compress_wanted(&r->h2o->headers), (int)cf->gzip_level, (int)cf->brotli_quality))
        return;
    send_whole(r->h2o, body);
}

void dft_respond_static(dft_req_t *r, const dft_static_t *s)
{
    const dft_config_t *cf = r->thread->server->config;
    h2o_iovec_t body = s->plain;
    if (start_response(r, 200, s->content_type)) {
        int codings = dft_compress_wanted(&r->h2o->headers);
        if ((codings & DFT_CODING_BR) && s->br.base != NULL && cf->brotli_quality > 0) {
            h2o_add_header(&r->h2o->pool, &r->h2o->res.headers, H2O_TOKEN_CONTENT_ENCODING, NULL, H2O_STRLIT("br"));
            body = s->br;
        } else if ((codings & DFT_CODING_GZIP) && s->gzip.base != NULL && cf->gzip_level > 0) {
            h2o_add_header(&r->h2o->pool, &r->h2o->res.headers, H2O_TOKEN_CONTENT_ENCODING, NULL, H2O_STRLIT("gzip"));
            body = s->gzip;
        }
    }
    send_whole(r->h2o, body);
}

void dft_respond_json(dft_req_t *r, int status, const char *json, size_t len)
{
    h2o_iovec_t body = {h2o_mem_alloc_pool(&r->h2o->pool, len + 1), 0};
    body.len = dft_json_compact(body.base, json, len);
    body.base[body.len] = '\0';
    dft_respond(r, status, "application/json", body);
}

static h2o_iovec_t render_problem(h2o_mem_pool_t *pool, const dft_error_t *err, h2o_iovec_t path, const char *request_id,
                                  int hindi)
{
    dft_buf_t b = {0};
    size_t path_len = path.len;
    for (size_t i = 0; i < path.len; ++i)
        if (path.base[i] == '?') {
            path_len = i;
            break;
        }
    if (path_len > 512)
        path_len = 512;
    dft_problem_render(&b, err, path.base, path_len, request_id, hindi);
    h2o_iovec_t body = h2o_strdup(pool, b.data, b.len);
    dft_buf_dispose(&b);
    return body;
}

void dft_respond_error(dft_req_t *r, const dft_error_t *err)
{
    if (err->code == DFT_E_INTERNAL)
        dft_log(DFT_LOG_ERROR, "internal", "request %s: %s", r->request_id, err->detail ? err->detail : "internal error");
    dft_error_t shown = *err;
    if (err->code == DFT_E_INTERNAL)
        shown.detail = NULL; /* internal text stays in the log */
    if (shown.retry_after == 0 && (err->code == DFT_E_UNAVAILABLE || err->code == DFT_E_RATE_LIMITED))
        shown.retry_after = 1;
    if (shown.retry_after > 0) {
        char v[16];
        snprintf(v, sizeof(v), "%d", shown.retry_after);
        dft_add_header(r, "retry-after", v);
    }
    h2o_iovec_t body = render_problem(&r->h2o->pool, &shown, r->h2o->path, r->request_id, r->hindi);
    dft_respond(r, dft_problem_kind(err->code)->status, PROBLEM_TYPE, body);
}

void dft_respond_code(dft_req_t *r, dft_code_t code, const char *detail)
{
    dft_error_t err = {.code = code, .detail = detail};
    dft_respond_error(r, &err);
}

const dft_str_t *dft_req_param(dft_req_t *r, const char *name)
{
    return dft_param_get(r->params, r->num_params, name);
}

const dft_str_t *dft_req_query(dft_req_t *r, const char *name)
{
    return dft_param_get(r->query.items, r->query.count, name);
}

/* Whether `field` names a member of the request's JSON body (see dft_respond_field_error). */
static int body_member(dft_req_t *r, const char *field)
{
    if (!r->json_body)
        return 0;
    for (const char *p = field; *p != '\0'; ++p)
        if (*p >= 'A' && *p <= 'Z')
            return 0;
    for (const char *const *q = r->route != NULL ? r->route->query : NULL; q != NULL && *q != NULL; ++q)
        if (strcmp(*q, field) == 0)
            return 0;
    return 1;
}

static void field_error(dft_req_t *r, dft_error_t *err, const char *field, const char *reason, const char *message)
{
    dft_field_error_t *f = h2o_mem_alloc_pool(&r->h2o->pool, sizeof(*f));
    const char *pointer = NULL;
    if (body_member(r, field)) {
        size_t len = strlen(field);
        char *p = h2o_mem_alloc_pool(&r->h2o->pool, len + 2);
        p[0] = '/';
        memcpy(p + 1, field, len + 1);
        pointer = len == 0 ? "" : p;
    }
    *f = (dft_field_error_t){field, reason, message, pointer, NULL};
    *err = (dft_error_t){.code = DFT_E_INVALID, .detail = message, .fields = f, .num_fields = 1};
}

void dft_respond_field_error(dft_req_t *r, const char *field, const char *reason, const char *message)
{
    dft_error_t err;
    field_error(r, &err, field, reason, message);
    dft_respond_error(r, &err);
}

int dft_body_only_fields(dft_req_t *r, json_t *body, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        const char *const *a = allowed;
        while (*a != NULL && strcmp(*a, key) != 0)
            ++a;
        if (*a == NULL) {
            dft_respond_field_error(r, h2o_strdup(&r->h2o->pool, key, SIZE_MAX).base, "unknown_field",
                                    "This field is not accepted here.");
            return -1;
        }
    }
    return 0;
}

json_t *dft_req_json_object(dft_req_t *r, const char *const *allowed)
{
    dft_error_t err;
    json_t *body = dft_req_json_body(r, &err);
    if (body == NULL) {
        dft_respond_error(r, &err);
        return NULL;
    }
    dft_field_error_t *wrong;
    size_t n = dft_schema_check(r->thread->server->schema, r->route_index, body, &r->h2o->pool, &wrong);
    if (n != 0) {
        char detail[96];
        snprintf(detail, sizeof(detail), "%zu member%s of the body %s not valid: see errors.", n, n == 1 ? "" : "s",
                 n == 1 ? "is" : "are");
        err = (dft_error_t){.code = DFT_E_INVALID, .detail = n == 1 ? wrong[0].message : h2o_strdup(&r->h2o->pool, detail, SIZE_MAX).base, .fields = wrong, .num_fields = n};
        dft_respond_error(r, &err);
        return NULL;
    }
    return dft_body_only_fields(r, body, allowed) == 0 ? body : NULL;
}

const char *dft_body_string(dft_req_t *r, json_t *body, const char *name, size_t max)
{
    json_t *v = json_object_get(body, name);
    if (v == NULL) {
        dft_respond_field_error(r, name, "required", "This field is required.");
        return NULL;
    }
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max ||
        strlen(json_string_value(v)) != json_string_length(v)) {
        dft_respond_field_error(r, name, "invalid", "This field must be a non-empty string of limited length.");
        return NULL;
    }
    return json_string_value(v);
}

const char *dft_body_optional_string(dft_req_t *r, json_t *body, const char *name, size_t max)
{
    json_t *v = json_object_get(body, name);
    if (v == NULL)
        return "";
    if (!json_is_string(v) || json_string_length(v) > max || strlen(json_string_value(v)) != json_string_length(v)) {
        dft_respond_field_error(r, name, "invalid", "This field must be a string of limited length.");
        return NULL;
    }
    return json_string_value(v);
}

const char *dft_body_text(dft_req_t *r, json_t *body, const char *name, size_t max_chars, int required)
{
    json_t *v = json_object_get(body, name);
    if (v == NULL) {
        if (!required)
            return "";
        dft_respond_field_error(r, name, "required", "This field is required.");
        return NULL;
    }
    size_t chars = json_is_string(v) ? dft_utf8_chars(json_string_value(v), json_string_length(v)) : SIZE_MAX;
    if (chars == SIZE_MAX || (required && chars == 0)) {
        dft_respond_field_error(r, name, "invalid", required ? "This field must be a non-empty string." : "This field must be a string.");
        return NULL;
    }
    if (chars > max_chars) {
        dft_respond_field_error(r, name, "too_long", "This text is longer than allowed.");
        return NULL;
    }
    return json_string_value(v);
}

int dft_req_limit(dft_req_t *r, char limit[8])
{
    const dft_str_t *l = dft_req_query(r, "limit");
    int64_t n = 20;
    if (l != NULL && dft_parse_int64(l->base, l->len, 1, 100, &n) != 0) {
        dft_respond_field_error(r, "limit", "out_of_range", "limit must be a whole number from 1 to 100.");
        return -1;
    }
    snprintf(limit, 8, "%lld", (long long)n);
    return 0;
}

static void release_json(void *p)
{
    json_decref(*(json_t **)p);
}

json_t *dft_req_json_body(dft_req_t *r, dft_error_t *err)
{
    h2o_req_t *req = r->h2o;
    const dft_config_t *c = r->thread->server->config;
    ssize_t ct = h2o_find_header(&req->headers, H2O_TOKEN_CONTENT_TYPE, -1);
    h2o_iovec_t v = ct >= 0 ? req->headers.entries[ct].value : h2o_iovec_init(NULL, 0);
    if (!(v.len >= 16 && h2o_memis(v.base, 16, H2O_STRLIT("application/json")) && (v.len == 16 || v.base[16] == ';'))) {
        *err = (dft_error_t){.code = DFT_E_UNSUPPORTED_MEDIA, .detail = "Send the body as application/json."};
        return NULL;
    }
    r->json_body = 1;
    if (req->entity.base == NULL || req->entity.len == 0) {
        field_error(r, err, "", "required", "A JSON object body is required.");
        return NULL;
    }
    if (req->entity.len > (size_t)c->max_body) {
        *err = (dft_error_t){.code = DFT_E_TOO_LARGE, .detail = "The body is larger than this server accepts."};
        return NULL;
    }
    if (dft_json_depth(req->entity.base, req->entity.len) > (size_t)c->max_json_depth) {
        field_error(r, err, "", "too_deep", "The JSON nests deeper than allowed.");
        return NULL;
    }
    json_error_t jerr;
    json_t *j = json_loadb(req->entity.base, req->entity.len, JSON_REJECT_DUPLICATES, &jerr);
    if (j == NULL) {
        const char *reason = json_error_code(&jerr) == json_error_duplicate_key ? "duplicate_key" : "malformed";
        field_error(r, err, "", reason,
                    json_error_code(&jerr) == json_error_duplicate_key ? "The JSON has a duplicate key."
                                                                       : "The body is not valid JSON (UTF-8).");
        return NULL;
    }
    *(json_t **)h2o_mem_alloc_shared(&req->pool, sizeof(json_t *), release_json) = j;
    if (!json_is_object(j)) {
        field_error(r, err, "", "not_object", "The body must be a JSON object.");
        return NULL;
    }
    return j;
}

/* -------------------------------------------------------------- lifecycle */

static void on_req_dispose(void *p)
{
    dft_req_t *r = p;
    dft_thread_t *t = r->thread;
    h2o_req_t *req = r->h2o;
    if (r->pending != NULL && r->detach != NULL)
        r->detach(r->pending); /* the client left while work was in flight */
    --t->inflight;

    struct timeval now;
    gettimeofday(&now, NULL);
    int64_t us = (int64_t)(now.tv_sec - req->timestamps.request_begin_at.tv_sec) * 1000000 +
                 (now.tv_usec - req->timestamps.request_begin_at.tv_usec);
    if (us < 0)
        us = 0;
    int status = r->responded ? req->res.status : 499;
    if (!r->metrics_listener) /* its routes are not the API's: scrapes are not counted */
        dft_metrics_observe(t->metrics, r->route_index, status, (uint64_t)us);

    if (!dft_log_enabled(DFT_LOG_INFO))
        return;
    char ts[40];
    const char *addr = r->client_addr[0] ? r->client_addr : "-";
    dft_log_timestamp(ts, sizeof(ts));
    size_t path_len = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
    if (path_len > 256)
        path_len = 256;
    dft_buf_t b = {0};
    dft_buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"info\",\"event\":\"access\",\"request_id\":\"%s\",\"method\":\"", ts,
                   r->request_id);
    dft_buf_json_escape(&b, req->method.base, req->method.len > 16 ? 16 : req->method.len);
    dft_buf_puts(&b, "\",\"path\":\"");
    dft_buf_json_escape(&b, req->path.base, path_len); /* never the query: it may carry search text */
    dft_buf_printf(&b, "\",\"route\":\"%s\",\"status\":%d,\"bytes\":%zu,\"duration_ms\":%.3f,\"proto\":\"%s\",\"client\":\"%s\"}",
                   r->route ? r->route->name : "-", status, req->bytes_sent, (double)us / 1000.0,
                   req->version >= 0x200 ? "h2" : "http/1.1", addr);
    dft_log_raw(b.data, b.len);
    dft_buf_dispose(&b);
}

/* OPTIONS, a CORS preflight or not: the path's methods (m->allow). The CORS answer is the
 * same for every origin but needs Access-Control-Allow-Origin, which add_common_headers
 * sends only to an allowed one. */
static void respond_preflight(dft_req_t *r, const dft_match_t *m)
{
    dft_add_header(r, "allow", m->allow);
    dft_add_header(r, "access-control-allow-methods", m->allow);
    dft_add_header(r, "access-control-allow-headers",
                   "authorization, content-type, if-match, if-none-match, idempotency-key, x-request-id, accept-language");
    dft_add_header(r, "access-control-max-age", "600");
    dft_respond(r, 204, NULL, h2o_iovec_init(NULL, 0));
}

/* The socket peer, or, when the peer is a trusted proxy, the rightmost entry of all the
 * X-Forwarded-For lines that is not itself a trusted proxy (see dft_cidr_client). */
static void client_address(dft_server_t *s, h2o_req_t *req, char *out, size_t size)
{
    struct sockaddr_storage ss;
    socklen_t sl = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
    out[0] = '\0';
    if (sl != 0 && ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, (socklen_t)size);
    else if (sl != 0 && ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out, (socklen_t)size);
    if (s->num_trusted_proxies == 0)
        return;
    const char *lines[16];
    size_t lens[16], n = 0;
    for (ssize_t i = -1; (i = h2o_find_header(&req->headers, H2O_TOKEN_X_FORWARDED_FOR, i)) >= 0;) {
        if (n == DFT_ARRAY_SIZE(lines)) { /* more lines than any proxy chain: believe none of them */
            n = 0;
            break;
        }
        lines[n] = req->headers.entries[i].value.base;
        lens[n++] = req->headers.entries[i].value.len;
    }
    dft_cidr_client(s->trusted_proxies, s->num_trusted_proxies, lines, lens, n, out, size);
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    handler_t *h = (handler_t *)self;
    dft_server_t *s = h->server;
    dft_thread_t *t = H2O_STRUCT_FROM_MEMBER(dft_thread_t, ctx, req->conn->ctx);
    assert(t->server == s);

    dft_req_t *r = h2o_mem_alloc_shared(&req->pool, sizeof(*r), on_req_dispose);
    memset(r, 0, sizeof(*r));
    r->h2o = req;
    r->thread = t;
    r->route_index = SIZE_MAX;
    r->metrics_listener = h->metrics != 0;
    ++t->inflight;
    make_request_id(t, req, r->request_id, sizeof(r->request_id));
    client_address(s, req, r->client_addr, sizeof(r->client_addr));
    memcpy(r->session.clearance, "-1", 3);
    memcpy(r->session.roles, ",", 2);
    memcpy(r->session.otp, "f", 2);
    memcpy(r->session.trusted, "f", 2);
    r->hindi = wants_hindi(req);
    r->cors_origin = allowed_origin(s->config, req);

    size_t header_bytes = req->path.len + req->authority.len;
    for (size_t i = 0; i < req->headers.size; ++i)
        header_bytes += req->headers.entries[i].name->len + req->headers.entries[i].value.len;
    if (header_bytes > (size_t)s->config->max_header_bytes) {
        dft_respond_code(r, DFT_E_HEADERS_TOO_LARGE, "The request headers are larger than this server accepts.");
        return 0;
    }

    size_t path_len = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
    char *scratch = h2o_mem_alloc_pool(&req->pool, req->path.len + 1);
    dft_match_t m;
    int preflight = h2o_memis(req->method.base, req->method.len, H2O_STRLIT("OPTIONS"));
    /* no route takes OPTIONS: a path that exists answers "method not allowed" with every method it
     * takes in m.allow, which is what a preflight lists, whichever method the browser asks about */
    dft_code_t rc = dft_router_match(h->router, req->method.base, req->method.len, req->path.base, path_len, scratch, &m);
    r->route_index = m.route_index;
    /* limits come before anything else is looked at: documents may be larger than JSON */
    int upload = rc == DFT_OK && (m.route->flags & DFT_ROUTE_UPLOAD);
    if (req->entity.len > (size_t)(upload ? s->config->max_upload : s->config->max_body)) {
        dft_respond_code(r, DFT_E_TOO_LARGE, "The body is larger than this server accepts.");
        return 0;
    }
    if (preflight && rc == DFT_E_METHOD_NOT_ALLOWED) {
        respond_preflight(r, &m);
        return 0;
    }
    if (rc == DFT_E_METHOD_NOT_ALLOWED) {
        h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_ALLOW, NULL, h2o_strdup(&req->pool, m.allow, SIZE_MAX).base,
                       strlen(m.allow));
        dft_respond_code(r, rc, "This path does not support the method.");
        return 0;
    }
    if (rc == DFT_E_INVALID) { /* bad percent-encoding, NUL, invalid UTF-8 in a segment */
        dft_respond_field_error(r, "path", "malformed", "The path is not validly encoded.");
        return 0;
    }
    if (rc != DFT_OK) {
        dft_respond_code(r, rc, "No resource at this path.");
        return 0;
    }
    r->route = m.route;
    r->num_params = m.num_params;
    memcpy(r->params, m.params, sizeof(m.params[0]) * m.num_params);

    if (req->query_at != SIZE_MAX) {
        size_t qlen = req->path.len - req->query_at - 1;
        char *qscratch = h2o_mem_alloc_pool(&req->pool, qlen + 1);
        if (dft_query_parse(req->path.base + req->query_at + 1, qlen, r->route->query, qscratch, &r->query) != DFT_OK) {
            dft_field_error_t *f = h2o_mem_alloc_pool(&req->pool, sizeof(*f));
            *f = (dft_field_error_t){r->query.bad_name, r->query.bad_reason,
                                     strcmp(r->query.bad_reason, "unknown_parameter") == 0
                                         ? "This query parameter is not accepted here."
                                         : "This query parameter is not valid."};
            dft_error_t err = {.code = DFT_E_INVALID, .detail = "The query string is not valid.", .fields = f, .num_fields = 1};
            dft_respond_error(r, &err);
            return 0;
        }
    }
    if (!(r->route->flags & DFT_ROUTE_PUBLIC)) {
        if (s->hooks.authenticate == NULL) {
            dft_respond_code(r, DFT_E_UNAVAILABLE, "Authentication is not configured.");
            return 0;
        }
        if (s->hooks.authenticate(r) != 0)
            return 0;
    }
    r->route->handler(r);
    return 0;
}

void dft_http_install_handler(h2o_pathconf_t *pathconf, dft_server_t *server, dft_router_t *router, int metrics)
{
    handler_t *h = (handler_t *)h2o_create_handler(pathconf, sizeof(*h));
    h->super.on_req = on_req;
    h->server = server;
    h->router = router;
    h->metrics = metrics;
}

void dft_req_proceed(dft_req_t *r)
{
    r->route->handler(r);
}

/* ------------------------------------------------- h2o's own error pages */

typedef struct error_filter_t {
    h2o_filter_t super;
    dft_server_t *server;
} error_filter_t;

typedef struct problem_ostream_t {
    h2o_ostream_t super;
    h2o_iovec_t body;
} problem_ostream_t;

static void problem_do_send(h2o_ostream_t *self, h2o_req_t *req, h2o_iovec_t *bufs, size_t bufcnt, h2o_send_state_t state)
{
    problem_ostream_t *os = (problem_ostream_t *)self;
    (void)bufs, (void)bufcnt;
    if (h2o_send_state_is_in_progress(state)) {
        h2o_ostream_send_next(&os->super, req, NULL, 0, state);
        return;
    }
    h2o_ostream_send_next(&os->super, req, &os->body, 1, state);
}

static void on_setup_ostream(h2o_filter_t *self, h2o_req_t *req, h2o_ostream_t **slot)
{
    if (req->res.status >= 400 && !is_our_reason(req->res.reason)) {
        ssize_t ct = h2o_find_header(&req->res.headers, H2O_TOKEN_CONTENT_TYPE, -1);
        {
            /* made by h2o, not by our pipeline: same status, our shape */
            char id[40];
            memcpy(id, "h2o-", 4);
            dft_random_hex(id + 4, 8);
            dft_error_t err = {.code = dft_problem_code_for_status(req->res.status)};
            problem_ostream_t *os = (problem_ostream_t *)h2o_add_ostream(req, sizeof(*os), slot);
            os->super.do_send = problem_do_send;
            os->body = render_problem(&req->pool, &err, req->input.path, id, 0);
            if (ct >= 0)
                h2o_delete_header(&req->res.headers, ct);
            h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, PROBLEM_TYPE, sizeof(PROBLEM_TYPE) - 1);
            h2o_iovec_t idv = h2o_strdup(&req->pool, id, SIZE_MAX);
            h2o_add_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"), 0, NULL, idv.base, idv.len);
            req->res.content_length = os->body.len;
            slot = &os->super.next;
            dft_log(DFT_LOG_INFO, "access", "request %s: h2o answered %d itself", id, req->res.status);
        }
    }
    h2o_setup_next_ostream(req, slot);
}

void dft_http_install_error_filter(h2o_pathconf_t *pathconf, dft_server_t *server)
{
    error_filter_t *f = (error_filter_t *)h2o_create_filter(pathconf, sizeof(*f));
    f->super.on_setup_ostream = on_setup_ostream;
    f->server = server;
}
