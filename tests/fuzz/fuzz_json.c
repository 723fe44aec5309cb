/*
 * fuzz_json.c — what every JSON body meets first: the nesting pre-check and
 * jansson with our flags; when both accept, the depth claim must hold.
 */
#include "http/server.h"

#include <assert.h>
#include <jansson.h>

static size_t depth(json_t *j)
{
    size_t d = 0, i;
    const char *k;
    json_t *v;
    if (json_is_object(j)) {
        json_object_foreach(j, k, v)
        {
            size_t c = depth(v); /* once: calling it twice is 2^depth calls on a deep input */
            if (c > d)
                d = c;
        }
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v)
        {
            size_t c = depth(v);
            if (c > d)
                d = c;
        }
    } else {
        return 0;
    }
    return d + 1;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size > 65536)
        return 0;
    size_t pre = dft_json_depth((const char *)data, size);
    if (pre > 32)
        return 0;
    json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (j != NULL) {
        assert(depth(j) <= pre);
        json_decref(j);
    }
    return 0;
}
