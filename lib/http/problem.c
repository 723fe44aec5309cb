/*
 * problem.c — maps error codes to status, type and titles, and renders
 * problem+json. Titles are fixed per code (RFC 9457: the title does not change
 * between occurrences); the occurrence-specific text goes in `detail`.
 */
#include "problem.h"

#include <string.h>

static const dft_problem_kind_t kinds[DFT_CODE_COUNT] = {
    [DFT_OK] = {200, "ok", "OK", "ठीक"},
    [DFT_E_INVALID] = {400, "invalid-request", "The request is not valid", "अनुरोध मान्य नहीं है"},
    [DFT_E_UNAUTHENTICATED] = {401, "unauthenticated", "Authentication is required", "प्रमाणीकरण आवश्यक है"},
    [DFT_E_FORBIDDEN] = {403, "forbidden", "Access is not allowed", "पहुँच की अनुमति नहीं है"},
    [DFT_E_NOT_FOUND] = {404, "not-found", "The resource was not found", "संसाधन नहीं मिला"},
    [DFT_E_METHOD_NOT_ALLOWED] = {405, "method-not-allowed", "The method is not allowed on this resource",
                                  "इस संसाधन पर यह विधि अनुमत नहीं है"},
    [DFT_E_NOT_ACCEPTABLE] = {406, "not-acceptable", "No acceptable representation", "कोई स्वीकार्य प्रारूप नहीं"},
    [DFT_E_CONFLICT] = {409, "conflict", "The request conflicts with the current state", "अनुरोध वर्तमान स्थिति से टकराता है"},
    [DFT_E_PRECONDITION_FAILED] = {412, "precondition-failed", "The resource has changed", "संसाधन बदल चुका है"},
    [DFT_E_TOO_LARGE] = {413, "too-large", "The request body is too large", "अनुरोध का आकार बहुत बड़ा है"},
    [DFT_E_UNSUPPORTED_MEDIA] = {415, "unsupported-media-type", "The media type is not supported",
                                 "यह मीडिया प्रकार समर्थित नहीं है"},
    [DFT_E_UNPROCESSABLE] = {422, "unprocessable", "The request cannot be processed", "अनुरोध संसाधित नहीं किया जा सकता"},
    [DFT_E_PRECONDITION_REQUIRED] = {428, "precondition-required", "A precondition header is required",
                                     "पूर्व-शर्त हेडर आवश्यक है"},
    [DFT_E_RATE_LIMITED] = {429, "rate-limited", "Too many requests", "बहुत अधिक अनुरोध"},
    [DFT_E_HEADERS_TOO_LARGE] = {431, "headers-too-large", "The request headers are too large",
                                 "अनुरोध हेडर बहुत बड़े हैं"},
    [DFT_E_INTERNAL] = {500, "internal", "Internal server error", "आंतरिक सर्वर त्रुटि"},
    [DFT_E_UNAVAILABLE] = {503, "unavailable", "The service is temporarily unavailable", "सेवा अस्थायी रूप से उपलब्ध नहीं है"},
};

const dft_problem_kind_t *dft_problem_kind(dft_code_t code)
{
    if ((unsigned)code >= DFT_CODE_COUNT)
        code = DFT_E_INTERNAL;
    return &kinds[code];
}

dft_code_t dft_problem_code_for_status(int status)
{
    for (int c = DFT_E_INVALID; c < DFT_CODE_COUNT; ++c)
        if (kinds[c].status == status)
            return (dft_code_t)c;
    return status >= 500 ? DFT_E_INTERNAL : DFT_E_INVALID;
}

static void put_string_field(dft_buf_t *out, const char *name, const char *value, size_t len)
{
    dft_buf_printf(out, ",\"%s\":\"", name);
    dft_buf_json_escape(out, value, len);
    dft_buf_puts(out, "\"");
}

void dft_problem_render(dft_buf_t *out, const dft_error_t *err, const char *instance, size_t instance_len,
                        const char *request_id, int hindi)
{
    const dft_problem_kind_t *k = dft_problem_kind(err->code);
    const char *title = hindi ? k->title_hi : k->title_en;
    dft_buf_printf(out, "{\"type\":\"urn:daftar:problem:%s\"", k->slug);
    put_string_field(out, "title", title, strlen(title));
    dft_buf_printf(out, ",\"status\":%d", k->status);
    if (err->detail != NULL)
        put_string_field(out, "detail", err->detail, strlen(err->detail));
    if (instance != NULL)
        put_string_field(out, "instance", instance, instance_len);
    if (request_id != NULL)
        put_string_field(out, "request_id", request_id, strlen(request_id));
    if (err->num_fields != 0) {
        dft_buf_puts(out, ",\"errors\":[");
        for (size_t i = 0; i < err->num_fields; ++i) {
            const dft_field_error_t *f = &err->fields[i];
            dft_buf_puts(out, i ? ",{\"field\":\"" : "{\"field\":\"");
            dft_buf_json_escape(out, f->field, strlen(f->field));
            dft_buf_puts(out, "\"");
            put_string_field(out, "reason", f->reason, strlen(f->reason));
            if (f->message != NULL)
                put_string_field(out, "message", f->message, strlen(f->message));
            dft_buf_puts(out, "}");
        }
        dft_buf_puts(out, "]");
    }
    dft_buf_puts(out, "}");
}
