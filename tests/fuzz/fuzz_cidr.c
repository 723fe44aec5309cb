/*
 * fuzz_cidr.c — trusted-network lists and client addresses (X-Forwarded-For entries).
 */
#include "core/cidr.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size > 2048)
        return 0;
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    dft_cidr_t nets[8];
    int n = dft_cidr_parse_list(s, nets, 8);
    static const dft_cidr_t any[2] = {{4, {0}, 0}, {6, {0}, 0}};
    dft_cidr_match(n > 0 ? nets : any, n > 0 ? (size_t)n : 2, s, size);
    /* the same bytes as X-Forwarded-For lines (split at newlines) behind an all-trusting proxy list */
    const char *lines[8];
    size_t lens[8], nl = 0, at = 0;
    for (size_t i = 0; i <= size && nl < 8; ++i)
        if (i == size || s[i] == '\n') {
            lines[nl] = s + at;
            lens[nl++] = i - at;
            at = i + 1;
        }
    char out[64] = "127.0.0.1";
    dft_cidr_client(any, 2, lines, lens, nl, out, sizeof(out));
    assert(memchr(out, '\0', sizeof(out)) != NULL);
    free(s);
    return 0;
}
