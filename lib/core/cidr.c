/*
 * cidr.c — see cidr.h. inet_pton does the address parsing; we only bound
 * the input and compare prefixes bit by bit.
 */
#include "cidr.h"

#include "core.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static int parse_addr(const char *s, size_t len, int *family, uint8_t out[16])
{
    char buf[64];
    if (len == 0 || len >= sizeof(buf))
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (inet_pton(AF_INET, buf, out) == 1) {
        *family = 4;
        return 0;
    }
    if (inet_pton(AF_INET6, buf, out) == 1) {
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(out, mapped, 12) == 0) { /* ::ffff:a.b.c.d is an IPv4 client */
            memmove(out, out + 12, 4);
            *family = 4;
        } else {
            *family = 6;
        }
        return 0;
    }
    return -1;
}

int dft_cidr_parse(const char *s, size_t len, dft_cidr_t *out)
{
    const char *slash = memchr(s, '/', len);
    size_t alen = slash ? (size_t)(slash - s) : len;
    if (parse_addr(s, alen, &out->family, out->addr) != 0)
        return -1;
    int max = out->family == 4 ? 32 : 128;
    int64_t prefix = max;
    if (slash != NULL && dft_parse_int64(slash + 1, len - alen - 1, 0, max, &prefix) != 0)
        return -1;
    out->prefix = (int)prefix;
    return 0;
}

int dft_cidr_parse_list(const char *s, dft_cidr_t *out, size_t max)
{
    size_t n = 0;
    while (*s) {
        while (*s == ' ' || *s == ',')
            ++s;
        if (*s == '\0')
            break;
        const char *end = s;
        while (*end && *end != ',' && *end != ' ')
            ++end;
        if (n == max || dft_cidr_parse(s, (size_t)(end - s), &out[n]) != 0)
            return -1;
        ++n;
        s = end;
    }
    return (int)n;
}

int dft_cidr_match(const dft_cidr_t *nets, size_t n, const char *addr, size_t len)
{
    uint8_t a[16];
    int family;
    if (parse_addr(addr, len, &family, a) != 0)
        return 0;
    for (size_t i = 0; i < n; ++i) {
        if (nets[i].family != family)
            continue;
        int bits = nets[i].prefix, full = bits / 8, rest = bits % 8;
        if (memcmp(nets[i].addr, a, (size_t)full) != 0)
            continue;
        if (rest == 0 || ((nets[i].addr[full] ^ a[full]) & (uint8_t)(0xff << (8 - rest))) == 0)
            return 1;
    }
    return 0;
}

/* An address in canonical text (inet_ntop of what dft_cidr_parse read); -1 for a network. */
static int canonical(const char *s, size_t len, char *out, size_t size)
{
    dft_cidr_t a;
    char text[INET6_ADDRSTRLEN];
    if (len == 0 || len >= 64 || memchr(s, '/', len) != NULL || dft_cidr_parse(s, len, &a) != 0 ||
        inet_ntop(a.family == 4 ? AF_INET : AF_INET6, a.addr, text, sizeof(text)) == NULL || strlen(text) >= size)
        return -1;
    memcpy(out, text, strlen(text) + 1);
    return 0;
}

void dft_cidr_client(const dft_cidr_t *trusted, size_t n, const char *const *lines, const size_t *lens, size_t nlines,
                     char *out, size_t size)
{
    if (n == 0 || !dft_cidr_match(trusted, n, out, strlen(out)))
        return;
    for (size_t l = nlines; l-- > 0;) {
        const char *v = lines[l];
        size_t end = lens[l];
        for (;;) {
            size_t start = end;
            while (start > 0 && v[start - 1] != ',')
                --start;
            size_t a = start, b = end;
            while (a < b && (v[a] == ' ' || v[a] == '\t'))
                ++a;
            while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t'))
                --b;
            char hop[INET6_ADDRSTRLEN];
            if (canonical(v + a, b - a, hop, sizeof(hop)) != 0)
                return; /* malformed: keep the last trusted hop */
            snprintf(out, size, "%s", hop);
            if (!dft_cidr_match(trusted, n, hop, strlen(hop)))
                return;
            if (start == 0)
                break;
            end = start - 1;
        }
    }
}
