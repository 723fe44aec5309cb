/*
 * schema.c — see schema.h: a JSON request body checked against its
 * operation's schema in the contract, every error reported with its JSON
 * Pointer (RFC 6901) and an English and a Hindi sentence.
 *
 * The contract is parsed once at start-up (jansson); each route keeps its
 * schema (a borrowed node of that document) and the patterns are compiled
 * then, so checking allocates only the errors it reports (request pool).
 * Checking walks the body and the schema together; a value of the wrong type
 * gets one error and is not looked into. A oneOf is checked quietly branch by
 * branch (counting, not recording) and gets one error when not exactly one
 * branch holds. Depth is bounded by the body's (max_json_depth, checked
 * before parsing) and $ref chains by MAX_REFS.
 */
#include "schema.h"

#include "../core/core.h"

#include <regex.h>
#include <stdio.h>
#include <string.h>

#define MAX_REFS 16
#define CONST_WEIGHT 100 /* a branch whose const does not hold (grant_type) is not the one meant */

typedef struct pattern_t {
    const char *text; /* in doc */
    regex_t re;
} pattern_t;

struct dft_schema_t {
    json_t *doc;
    json_t **bodies; /* per route index: the application/json request schema, or NULL */
    size_t num_routes;
    pattern_t *patterns;
    size_t num_patterns;
};

typedef struct check_t {
    const dft_schema_t *s;
    h2o_mem_pool_t *pool;
    dft_field_error_t *out;
    size_t n;
    int quiet;      /* inside a oneOf branch: count errors, record none */
    dft_buf_t *ptr; /* the pointer of the value being checked (one buffer for every branch) */
} check_t;

/* ------------------------------------------------------------ the contract */

/* The node a local $ref ("#/components/schemas/X") names, or NULL. */
static json_t *ref_target(json_t *doc, const char *ref)
{
    if (ref[0] != '#')
        return NULL;
    json_t *node = doc;
    for (const char *p = ref + 1; node != NULL && *p == '/';) {
        const char *seg = p + 1, *end = strchr(seg, '/');
        size_t len = end ? (size_t)(end - seg) : strlen(seg);
        char key[128];
        if (len >= sizeof(key))
            return NULL;
        memcpy(key, seg, len);
        key[len] = '\0';
        node = json_object_get(node, key);
        p = seg + len;
    }
    return node;
}

static json_t *resolve(const dft_schema_t *s, json_t *schema)
{
    for (int i = 0; i < MAX_REFS && json_is_object(schema); ++i) {
        json_t *ref = json_object_get(schema, "$ref");
        if (!json_is_string(ref))
            return schema;
        schema = ref_target(s->doc, json_string_value(ref));
    }
    return json_is_object(schema) ? schema : NULL;
}

static void compile_patterns(dft_schema_t *s, json_t *schema, int depth)
{
    schema = resolve(s, schema);
    if (schema == NULL || depth > 32)
        return;
    json_t *p = json_object_get(schema, "pattern"), *v;
    const char *key;
    if (json_is_string(p)) {
        size_t i = 0;
        while (i < s->num_patterns && strcmp(s->patterns[i].text, json_string_value(p)) != 0)
            ++i;
        if (i == s->num_patterns) {
            s->patterns = dft_realloc(s->patterns, (s->num_patterns + 1) * sizeof(*s->patterns));
            pattern_t *pt = &s->patterns[s->num_patterns++];
            pt->text = json_string_value(p);
            if (regcomp(&pt->re, pt->text, REG_EXTENDED | REG_NOSUB) != 0)
                dft_fatal("api/openapi.yaml: pattern %s is not a POSIX extended regular expression", pt->text);
        }
    }
    json_object_foreach(json_object_get(schema, "properties"), key, v) compile_patterns(s, v, depth + 1);
    if (json_is_object(json_object_get(schema, "additionalProperties")))
        compile_patterns(s, json_object_get(schema, "additionalProperties"), depth + 1);
    if (json_is_object(json_object_get(schema, "items")))
        compile_patterns(s, json_object_get(schema, "items"), depth + 1);
    size_t i;
    json_array_foreach(json_object_get(schema, "oneOf"), i, v) compile_patterns(s, v, depth + 1);
}

dft_schema_t *dft_schema_new(const char *openapi_json, size_t len, const dft_router_t *router)
{
    dft_schema_t *s = dft_calloc(1, sizeof(*s));
    json_error_t jerr;
    if ((s->doc = json_loadb(openapi_json, len, 0, &jerr)) == NULL)
        dft_fatal("the embedded contract does not parse: %s", jerr.text);
    while (dft_router_route(router, s->num_routes) != NULL)
        ++s->num_routes;
    s->bodies = dft_calloc(s->num_routes + 1, sizeof(*s->bodies));
    for (size_t i = 0; i < s->num_routes; ++i) {
        const dft_route_t *route = dft_router_route(router, i);
        char method[8];
        size_t m = 0;
        for (; route->method[m] != '\0' && m + 1 < sizeof(method); ++m)
            method[m] = (char)(route->method[m] - 'A' + 'a');
        method[m] = '\0';
        json_t *op = json_object_get(json_object_get(json_object_get(s->doc, "paths"), route->path), method);
        json_t *body = resolve(s, json_object_get(op, "requestBody"));
        json_t *schema = json_object_get(json_object_get(json_object_get(body, "content"), "application/json"), "schema");
        if (schema != NULL) {
            s->bodies[i] = schema;
            compile_patterns(s, schema, 0);
        }
    }
    return s;
}

void dft_schema_free(dft_schema_t *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->num_patterns; ++i)
        regfree(&s->patterns[i].re);
    free(s->patterns);
    free(s->bodies);
    json_decref(s->doc);
    free(s);
}

/* ---------------------------------------------------------------- checking */

static void fail(check_t *c, const char *reason, const char *en, const char *hi)
{
    if (c->quiet || c->n >= DFT_SCHEMA_MAX_ERRORS) {
        ++c->n;
        return;
    }
    dft_field_error_t *f = &c->out[c->n++];
    f->pointer = h2o_strdup(c->pool, c->ptr->len ? c->ptr->data : "", c->ptr->len).base;
    f->field = f->pointer[0] == '/' ? f->pointer + 1 : f->pointer;
    f->reason = reason;
    f->message = h2o_strdup(c->pool, en, SIZE_MAX).base;
    f->message_hi = h2o_strdup(c->pool, hi, SIZE_MAX).base;
}

/* Appends "/" and the member's name or the item's index to the pointer (~ and / escaped as RFC 6901
 * says); returns the length to go back to. */
static size_t push(check_t *c, const char *key, size_t index)
{
    size_t back = c->ptr->len;
    if (key == NULL) {
        dft_buf_printf(c->ptr, "/%zu", index);
        return back;
    }
    dft_buf_append(c->ptr, "/", 1);
    for (const char *k = key; *k != '\0'; ++k) {
        size_t plain = strcspn(k, "~/");
        dft_buf_append(c->ptr, k, plain);
        k += plain;
        if (*k == '\0')
            break;
        dft_buf_append(c->ptr, *k == '~' ? "~0" : "~1", 2);
    }
    return back;
}

static void pop(check_t *c, size_t back)
{
    c->ptr->len = back;
}

static int is_type(json_t *v, const char *t)
{
    if (strcmp(t, "string") == 0)
        return json_is_string(v);
    if (strcmp(t, "integer") == 0)
        return json_is_integer(v);
    if (strcmp(t, "number") == 0)
        return json_is_number(v);
    if (strcmp(t, "boolean") == 0)
        return json_is_boolean(v);
    if (strcmp(t, "object") == 0)
        return json_is_object(v);
    if (strcmp(t, "array") == 0)
        return json_is_array(v);
    return strcmp(t, "null") == 0 && json_is_null(v);
}

/* A type's name in English and Hindi, for "Expected ...". */
static const char *const *type_words(const char *t)
{
    static const char *const words[][3] = {
        {"string", "a string", "पाठ (string)"},        {"integer", "a whole number", "पूर्ण संख्या"},
        {"number", "a number", "संख्या"},              {"boolean", "true or false", "true या false"},
        {"object", "an object", "JSON ऑब्जेक्ट"},      {"array", "an array", "सूची (array)"},
        {"null", "null", "null"}};
    for (size_t i = 0; i < DFT_ARRAY_SIZE(words); ++i)
        if (strcmp(words[i][0], t) == 0)
            return words[i];
    return words[DFT_ARRAY_SIZE(words) - 1];
}

/* 1 when v is one of the types (a name or a list of names); else one error naming them. */
static int check_type(check_t *c, json_t *type, json_t *v)
{
    char en[160] = "Expected ", hi[256] = "";
    size_t i, n = json_is_array(type) ? json_array_size(type) : 1;
    for (i = 0; i < n; ++i) {
        json_t *t = json_is_array(type) ? json_array_get(type, i) : type;
        if (!json_is_string(t) || is_type(v, json_string_value(t)))
            return 1;
        const char *const *w = type_words(json_string_value(t));
        size_t el = strlen(en), hl = strlen(hi);
        snprintf(en + el, sizeof(en) - el, "%s%s", i ? " or " : "", w[1]);
        snprintf(hi + hl, sizeof(hi) - hl, "%s%s", i ? " या " : "", w[2]);
    }
    size_t el = strlen(en), hl = strlen(hi);
    snprintf(en + el, sizeof(en) - el, ".");
    snprintf(hi + hl, sizeof(hi) - hl, " अपेक्षित है।");
    fail(c, "invalid", en, hi);
    return 0;
}

static int pattern_holds(const dft_schema_t *s, const char *pattern, const char *value)
{
    for (size_t i = 0; i < s->num_patterns; ++i)
        if (strcmp(s->patterns[i].text, pattern) == 0)
            return regexec(&s->patterns[i].re, value, 0, NULL, 0) == 0;
    return 1;
}

static void check(check_t *c, json_t *schema, json_t *v);

static void check_string(check_t *c, json_t *schema, json_t *v)
{
    const char *str = json_string_value(v);
    size_t chars = dft_utf8_chars(str, json_string_length(v));
    json_t *min = json_object_get(schema, "minLength"), *max = json_object_get(schema, "maxLength");
    json_t *pattern = json_object_get(schema, "pattern"), *format = json_object_get(schema, "format");
    char en[96], hi[128];
    if (chars == SIZE_MAX) {
        fail(c, "invalid", "The text has a NUL character.", "पाठ में NUL अक्षर है।");
        return;
    }
    if (json_is_integer(min) && (json_int_t)chars < json_integer_value(min)) {
        snprintf(en, sizeof(en), json_integer_value(min) == 1 ? "This must not be empty." : "At least %lld characters.",
                 (long long)json_integer_value(min));
        snprintf(hi, sizeof(hi), json_integer_value(min) == 1 ? "यह खाली नहीं हो सकता।" : "कम से कम %lld अक्षर।",
                 (long long)json_integer_value(min));
        fail(c, json_integer_value(min) == 1 ? "required" : "too_short", en, hi);
        return;
    }
    if (json_is_integer(max) && (json_int_t)chars > json_integer_value(max)) {
        snprintf(en, sizeof(en), "At most %lld characters.", (long long)json_integer_value(max));
        snprintf(hi, sizeof(hi), "अधिकतम %lld अक्षर।", (long long)json_integer_value(max));
        fail(c, "too_long", en, hi);
        return;
    }
    if (json_is_string(pattern) && !pattern_holds(c->s, json_string_value(pattern), str)) {
        fail(c, "malformed", "This is not in the form expected here.", "यह यहाँ अपेक्षित रूप में नहीं है।");
        return;
    }
    const char *f = json_is_string(format) ? json_string_value(format) : "";
    if (strcmp(f, "date") == 0 && !dft_date_valid(str, json_string_length(v)))
        fail(c, "invalid", "A date is YYYY-MM-DD (a real day).", "तारीख YYYY-MM-DD रूप में (एक वास्तविक दिन) लिखें।");
    else if (strcmp(f, "date-time") == 0 && !dft_time_valid(str, json_string_length(v)))
        fail(c, "invalid", "A time is RFC 3339: YYYY-MM-DDTHH:MM:SSZ or with an offset (+05:30).",
             "समय RFC 3339 रूप में लिखें: YYYY-MM-DDTHH:MM:SSZ या ऑफ़सेट सहित (+05:30)।");
    else if (strcmp(f, "uuid") == 0 && !dft_uuid_valid(str, json_string_length(v)))
        fail(c, "invalid", "An id (UUID) is expected.", "एक id (UUID) अपेक्षित है।");
}

static void check_number(check_t *c, json_t *schema, json_t *v)
{
    json_t *min = json_object_get(schema, "minimum"), *max = json_object_get(schema, "maximum");
    double x = json_number_value(v);
    if ((json_is_number(min) && x < json_number_value(min)) || (json_is_number(max) && x > json_number_value(max))) {
        char en[96], hi[128];
        if (json_is_number(min) && json_is_number(max)) {
            snprintf(en, sizeof(en), "A number from %g to %g.", json_number_value(min), json_number_value(max));
            snprintf(hi, sizeof(hi), "%g से %g तक की संख्या।", json_number_value(min), json_number_value(max));
        } else if (json_is_number(min)) {
            snprintf(en, sizeof(en), "At least %g.", json_number_value(min));
            snprintf(hi, sizeof(hi), "कम से कम %g।", json_number_value(min));
        } else {
            snprintf(en, sizeof(en), "At most %g.", json_number_value(max));
            snprintf(hi, sizeof(hi), "अधिकतम %g।", json_number_value(max));
        }
        fail(c, "invalid", en, hi);
    }
}

static void check_object(check_t *c, json_t *schema, json_t *v)
{
    json_t *props = json_object_get(schema, "properties"), *extra = json_object_get(schema, "additionalProperties");
    json_t *min = json_object_get(schema, "minProperties"), *x, *sub;
    const char *key;
    size_t i, back;
    json_array_foreach(json_object_get(schema, "required"), i, x)
    {
        if (json_is_string(x) && json_object_get(v, json_string_value(x)) == NULL) {
            back = push(c, json_string_value(x), 0);
            fail(c, "required", "This member is required.", "यह सदस्य आवश्यक है।");
            pop(c, back);
        }
    }
    json_object_foreach(v, key, x)
    {
        back = push(c, key, 0);
        if ((sub = json_object_get(props, key)) != NULL)
            check(c, sub, x);
        else if (json_is_false(extra))
            fail(c, "unknown_field", "This member is not accepted here.", "यह सदस्य यहाँ स्वीकार नहीं किया जाता।");
        else if (json_is_object(extra))
            check(c, extra, x);
        pop(c, back);
    }
    if (json_is_integer(min) && (json_int_t)json_object_size(v) < json_integer_value(min))
        fail(c, "required", "Send at least one of the members.", "कम से कम एक सदस्य भेजें।");
}

static void check_array(check_t *c, json_t *schema, json_t *v)
{
    json_t *min = json_object_get(schema, "minItems"), *max = json_object_get(schema, "maxItems");
    json_t *items = json_object_get(schema, "items"), *x;
    size_t i, n = json_array_size(v);
    char en[96], hi[128];
    if (json_is_integer(min) && (json_int_t)n < json_integer_value(min)) {
        snprintf(en, sizeof(en), "At least %lld items.", (long long)json_integer_value(min));
        snprintf(hi, sizeof(hi), "कम से कम %lld प्रविष्टियाँ।", (long long)json_integer_value(min));
        fail(c, "too_few", en, hi);
        return;
    }
    if (json_is_integer(max) && (json_int_t)n > json_integer_value(max)) {
        snprintf(en, sizeof(en), "At most %lld items.", (long long)json_integer_value(max));
        snprintf(hi, sizeof(hi), "अधिकतम %lld प्रविष्टियाँ।", (long long)json_integer_value(max));
        fail(c, "too_many", en, hi);
        return;
    }
    if (json_is_true(json_object_get(schema, "uniqueItems")))
        for (i = 1; i < n; ++i)
            for (size_t j = 0; j < i; ++j)
                if (json_equal(json_array_get(v, i), json_array_get(v, j))) {
                    fail(c, "invalid", "The items must differ.", "प्रविष्टियाँ अलग-अलग हों।");
                    return;
                }
    if (json_is_object(items) && !json_is_true(json_object_get(schema, "x-each-row-alone"))) /* rows: the handler's */
        json_array_foreach(v, i, x)
        {
            size_t back = push(c, NULL, i);
            check(c, items, x);
            pop(c, back);
        }
}

/* 1 when v is one of the values of `set` (a JSON array); else one error listing them. */
static int check_enum(check_t *c, json_t *set, json_t *v)
{
    size_t i;
    json_t *x;
    json_array_foreach(set, i, x) if (json_equal(x, v)) return 1;
    dft_buf_t en = {0}, hi = {0};
    dft_buf_puts(&en, "One of: ");
    dft_buf_puts(&hi, "इनमें से एक: ");
    json_array_foreach(set, i, x)
    {
        char *one = json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT);
        if (one != NULL) {
            dft_buf_printf(&en, "%s%s", i ? ", " : "", one);
            dft_buf_printf(&hi, "%s%s", i ? ", " : "", one);
            free(one);
        }
    }
    dft_buf_append(&en, ".", 2);
    dft_buf_append(&hi, "।", sizeof("।"));
    fail(c, "invalid", en.data, hi.data);
    dft_buf_dispose(&en);
    dft_buf_dispose(&hi);
    return 0;
}

static void check(check_t *c, json_t *schema, json_t *v)
{
    if ((schema = resolve(c->s, schema)) == NULL)
        return;
    json_t *type = json_object_get(schema, "type"), *one_of = json_object_get(schema, "oneOf"), *x;
    if (type != NULL && !check_type(c, type, v))
        return;
    if ((x = json_object_get(schema, "const")) != NULL && !json_equal(x, v)) {
        json_t *set = json_pack("[O]", x);
        check_enum(c, set, v);
        json_decref(set);
        if (c->quiet)
            c->n += CONST_WEIGHT;
        return;
    }
    if (json_is_array(x = json_object_get(schema, "enum")) && !check_enum(c, x, v))
        return;
    if (json_is_array(one_of)) { /* none holds: the errors of the nearest (a const that holds, fewest errors) */
        size_t i, holding = 0, best = 0, best_n = SIZE_MAX;
        json_array_foreach(one_of, i, x)
        {
            check_t branch = *c;
            branch.quiet = 1;
            branch.n = 0;
            check(&branch, x, v);
            holding += branch.n == 0;
            if (branch.n < best_n) {
                best = i;
                best_n = branch.n;
            }
        }
        if (holding == 0 && best_n != SIZE_MAX) {
            check(c, json_array_get(one_of, best), v);
            return;
        }
        if (holding > 1) {
            fail(c, "invalid", "This matches more than one of the forms allowed here.",
                 "यह यहाँ अनुमत एक से अधिक रूपों से मेल खाता है।");
            return;
        }
    }
    if (json_is_string(v))
        check_string(c, schema, v);
    else if (json_is_number(v))
        check_number(c, schema, v);
    else if (json_is_object(v))
        check_object(c, schema, v);
    else if (json_is_array(v))
        check_array(c, schema, v);
}

size_t dft_schema_check(const dft_schema_t *s, size_t route_index, json_t *body, h2o_mem_pool_t *pool,
                        dft_field_error_t **out)
{
    *out = NULL;
    if (s == NULL || route_index >= s->num_routes || s->bodies[route_index] == NULL)
        return 0;
    dft_buf_t ptr = {0};
    check_t c = {.s = s, .pool = pool, .ptr = &ptr};
    c.out = h2o_mem_alloc_pool(pool, DFT_SCHEMA_MAX_ERRORS * sizeof(*c.out));
    check(&c, s->bodies[route_index], body);
    dft_buf_dispose(&ptr);
    *out = c.out;
    return c.n < DFT_SCHEMA_MAX_ERRORS ? c.n : DFT_SCHEMA_MAX_ERRORS;
}
