/*
 * problem.c — maps error codes to status, type and titles, and renders
 * problem+json. Titles are fixed per code (RFC 9457: the title does not change
 * between occurrences); the occurrence-specific text goes in `detail`. A
 * business refusal (err->refusal) has a type of its own, so a client tells
 * "file closed" from "already decided" without reading English, and a Hindi
 * detail; its title is its code's.
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

/* Each refusal's Hindi detail; its English one is the SQL message that names it. Add a row
 * here, the type to api/openapi.yaml's Problem.type, and HINT = '<slug>' to the RAISE. */
static const dft_refusal_t refusals[] = {
    {"not-the-holder", "फ़ाइल पर केवल उसका वर्तमान धारक कार्य कर सकता है।"},
    {"file-closed", "फ़ाइल बंद है।"},
    {"file-not-open", "यह केवल खुली फ़ाइल पर हो सकता है।"},
    {"file-open-already", "फ़ाइल पहले से खुली है।"},
    {"recall-not-possible", "फ़ाइल केवल भेजने वाला वापस ले सकता है, और वह भी प्राप्तकर्ता के कार्य करने से पहले।"},
    {"forward-to-self", "फ़ाइल किसी अन्य अधिकारी को भेजें।"},
    {"receiver-not-cleared", "प्राप्तकर्ता इस विभाग का ऐसा अधिकारी नहीं है जिसे इस फ़ाइल की अनुमति हो।"},
    {"nothing-to-return", "यह फ़ाइल आपको किसी ने नहीं भेजी।"},
    {"close-needs-section-officer", "फ़ाइल बंद करने के लिए अनुभाग अधिकारी या उससे ऊपर का पद चाहिए।"},
    {"decide-held-files-only", "केवल अपने पास की फ़ाइल पर निर्णय करें: पहले उसे प्रभार से अपने पास भेजें।"},
    {"needs-approving-role", "निर्णय के लिए अनुमोदन की भूमिका (section_officer या dept_admin) या उसका प्रत्यायोजन चाहिए।"},
    {"own-file", "कोई अपनी खोली हुई फ़ाइल पर निर्णय नहीं करता: उसे सक्षम अधिकारी को भेजें।"},
    {"own-proposal", "कोई अपने लिखे प्रस्ताव पर निर्णय नहीं करता: उसे सक्षम अधिकारी को भेजें।"},
    {"delegators-own-proposal", "प्रत्यायोजन से प्रत्यायोजक के अपने प्रस्ताव पर निर्णय नहीं होता।"},
    {"decision-final", "फ़ाइल पर निर्णय हो चुका है; निर्णय अंतिम है।"},
    {"approval-needs-signed-note", "अनुमोदन के लिए फ़ाइल की अंतिम टिप्पणी आपकी डिजिटल हस्ताक्षरित टिप्पणी होनी चाहिए।"},
    {"reversal-needs-signed-note", "निर्णय पलटने के लिए उसके बाद लिखी आपकी डिजिटल हस्ताक्षरित टिप्पणी अंतिम टिप्पणी होनी चाहिए।"},
    {"rejection-needs-remarks", "प्रस्ताव अस्वीकार करने का कारण (remarks) लिखें।"},
    {"note-final", "अंतिम टिप्पणी कभी नहीं बदलती।"},
    {"note-changed-while-signing", "हस्ताक्षर के दौरान टिप्पणी बदल गई; फिर से हस्ताक्षर करें।"},
    {"receipt-filed-already", "यह प्राप्ति पहले से किसी फ़ाइल में है।"},
    {"receipt-above-file", "प्राप्ति केवल उतने या उससे ऊँचे वर्गीकरण वाली फ़ाइल में जा सकती है।"},
    {"idempotency-key-reused", "यह Idempotency-Key किसी दूसरे अनुरोध के साथ भेजी जा चुकी है।"},
    {"webhook-address-not-allowed", "एंडपॉइंट का होस्ट सर्वर के भीतरी नेटवर्क का पता है (loopback, निजी, link-local या metadata), "
                                    "जिसकी अनुमति webhook_allow_hosts में नहीं है।"},
    {"read-only", "सेवा अभी केवल पढ़ने के लिए (read-only) है: कोई प्राथमिक डेटाबेस उपलब्ध नहीं है। पढ़ना चलता रहता है; "
                  "यह परिवर्तन कुछ सेकंड बाद फिर भेजें।"},
    {"idempotency-key-in-flight", "इस Idempotency-Key वाले अनुरोध का उत्तर इसी बीच दिया गया; उसका उत्तर पाने के लिए इसे फिर भेजें।"},
    {"department-moving", "यह विभाग दूसरे डेटाबेस क्लस्टर पर ले जाया जा रहा है और कुछ समय के लिए केवल पढ़ा जा सकता है। "
                          "पढ़ना जारी है; यह बदलाव कुछ सेकंड बाद फिर भेजें।"},
    {"needs-records-officer", "फ़ाइल योजना अभिलेख अधिकारी (records_officer) या dept_admin ही रखते हैं।"},
    {"main-file-here", "फ़ाइल आपके पास है: उसी पर लिखें, भाग फ़ाइल पर नहीं।"},
    {"main-has-drafts", "मुख्य फ़ाइल में मसौदा टिप्पणियाँ हैं: विलय से पहले उन्हें पूरा करें या हटाएँ।"},
    {"not-the-receiver", "प्राप्ति पर केवल उसका मुख्य प्राप्तकर्ता कार्य कर सकता है; प्रतिलिपि केवल सूचना के लिए है।"},
};

/* A field error's Hindi sentence when its maker gave none, by its reason. */
static const char *const field_hindi[][2] = {
    {"required", "यह आवश्यक है।"},
    {"invalid", "यह मान यहाँ मान्य नहीं है।"},
    {"too_long", "यह अनुमत लंबाई से अधिक है।"},
    {"too_short", "यह अनुमत लंबाई से छोटा है।"},
    {"too_many", "इसमें अनुमत संख्या से अधिक प्रविष्टियाँ हैं।"},
    {"too_few", "इसमें अनुमत संख्या से कम प्रविष्टियाँ हैं।"},
    {"unknown_field", "यह सदस्य यहाँ स्वीकार नहीं किया जाता।"},
    {"unknown_parameter", "यह पैरामीटर यहाँ स्वीकार नहीं किया जाता।"},
    {"malformed", "यह सही रूप में नहीं है।"},
    {"check_digit", "यह मान्य UID नहीं है।"},
    {"out_of_range", "यह अनुमत सीमा से बाहर है।"},
    {"duplicate_key", "JSON में एक ही कुंजी दो बार है।"},
    {"too_deep", "JSON अनुमत से अधिक गहराई तक नेस्टेड है।"},
    {"not_object", "अनुरोध का मुख्य भाग JSON ऑब्जेक्ट होना चाहिए।"},
};

static const char *field_error_hindi(const dft_field_error_t *f)
{
    if (f->message_hi != NULL)
        return f->message_hi;
    for (size_t i = 0; i < DFT_ARRAY_SIZE(field_hindi); ++i)
        if (strcmp(field_hindi[i][0], f->reason) == 0)
            return field_hindi[i][1];
    return field_hindi[1][1];
}

const char *dft_problem_refusal(const char *slug)
{
    for (size_t i = 0; i < DFT_ARRAY_SIZE(refusals); ++i)
        if (strcmp(refusals[i].slug, slug) == 0)
            return refusals[i].slug;
    return NULL;
}

const dft_refusal_t *dft_problem_refusal_at(size_t i)
{
    return i < DFT_ARRAY_SIZE(refusals) ? &refusals[i] : NULL;
}

static const char *refusal_hindi(const char *slug)
{
    for (size_t i = 0; i < DFT_ARRAY_SIZE(refusals); ++i)
        if (strcmp(refusals[i].slug, slug) == 0)
            return refusals[i].detail_hi;
    return NULL;
}

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
    const char *hi = err->refusal != NULL && hindi ? refusal_hindi(err->refusal) : NULL;
    const char *detail = hi != NULL ? hi : err->detail;
    dft_buf_printf(out, "{\"type\":\"urn:daftar:problem:%s\"", err->refusal != NULL ? err->refusal : k->slug);
    put_string_field(out, "title", title, strlen(title));
    dft_buf_printf(out, ",\"status\":%d", k->status);
    if (detail != NULL)
        put_string_field(out, "detail", detail, strlen(detail));
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
            if (f->pointer != NULL)
                put_string_field(out, "pointer", f->pointer, strlen(f->pointer));
            if (f->message != NULL) {
                put_string_field(out, "detail", f->message, strlen(f->message));
                put_string_field(out, "message", f->message, strlen(f->message));
            }
            const char *f_hi = field_error_hindi(f);
            put_string_field(out, "detail_hi", f_hi, strlen(f_hi));
            dft_buf_puts(out, "}");
        }
        dft_buf_puts(out, "]");
    }
    dft_buf_puts(out, "}");
}
