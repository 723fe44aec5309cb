/*
 * fuzz_problem.c — problem rendering of hostile text (request paths, field
 * names echoed from bodies): the output must always be valid JSON that
 * carries the text back (invalid UTF-8 replaced by U+FFFD).
 */
#include "http/problem.h"

#include <assert.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size > 8192)
        return 0;
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    dft_field_error_t f = {s, "invalid", s};
    dft_error_t err = {.code = DFT_E_INVALID, .detail = s, .fields = &f, .num_fields = 1};
    dft_buf_t out = {0};
    dft_problem_render(&out, &err, (const char *)data, size, "rid", 0);
    json_t *j = json_loadb(out.data, out.len, JSON_REJECT_DUPLICATES, NULL);
    assert(j != NULL);
    json_decref(j);
    dft_buf_dispose(&out);
    free(s);
    return 0;
}
