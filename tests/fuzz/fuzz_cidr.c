/*
 * fuzz_cidr.c — trusted-network lists and client addresses (X-Forwarded-For entries).
 */
#include "core/cidr.h"

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
    free(s);
    return 0;
}
