/*
 * uid.c — Verhoeff check digits (dihedral group D5), see uid.h.
 */
#include "uid.h"

#include <stdio.h>

static const uint8_t d[10][10] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
    {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
    {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
static const uint8_t p[8][10] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
    {8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
    {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};
static const uint8_t inv[10] = {0, 4, 3, 2, 1, 5, 6, 7, 8, 9};

char dft_uid_check_digit(const char *s, size_t len)
{
    unsigned c = 0;
    for (size_t i = 0; i < len; ++i)
        c = d[c][p[(i + 1) % 8][s[len - 1 - i] - '0']];
    return (char)('0' + inv[c]);
}

int dft_uid_valid(const char *s, size_t len)
{
    if (len != DFT_UID_LEN)
        return 0;
    for (size_t i = 0; i < len; ++i)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    if (s[0] == '0')
        return 0;
    return dft_uid_check_digit(s, len - 1) == s[len - 1];
}

void dft_uid_format(uint64_t serial, char *out)
{
    snprintf(out, DFT_UID_LEN + 1, "%010llu", (unsigned long long)serial);
    out[10] = dft_uid_check_digit(out, 10);
    out[11] = '\0';
}
