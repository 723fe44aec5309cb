/*
 * egress.c — where webhook deliveries may go (issue 22, SSRF).
 *
 * An endpoint names any host, so without a check a service account could
 * make the server call its own network: the metadata service
 * (169.254.169.254, fd00:ec2::254), the database, an admin port on
 * loopback. Addresses inside are refused: loopback, unspecified, private
 * (RFC 1918, ULA fc00::/7), shared (100.64.0.0/10), link-local, the IETF
 * and benchmarking blocks, multicast, reserved; an IPv6 address carrying an
 * IPv4 one (mapped, compatible, NAT64 64:ff9b::/96, 6to4) is judged by the
 * IPv4 one. The operator lets some in with the setting webhook_allow_hosts:
 * a list (commas or spaces) of addresses, CIDR blocks, and host names
 * (exact, any case: a URL naming that host may reach any of its addresses).
 *
 * Checked twice: at registration on the host of curl's own parse of the URL
 * (so "127.1", "2130706433" and "0x7f000001" are the 127.0.0.1 that curl
 * would connect to; a name is taken there, as nothing resolves on the event
 * loop), and at delivery on the address each connection is opened to
 * (deliver.c's CURLOPT_OPENSOCKETFUNCTION), after DNS, so a name resolving
 * inside, or re-resolving there later, is refused on the address actually
 * used: no second lookup stands between the check and the connect.
 */
#include "events_internal.h"

#include "../core/core.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#define MAX_ALLOW 64

typedef struct allow_t {
    int family;            /* AF_INET, AF_INET6, or 0 for a host name */
    unsigned char net[16]; /* the block's address (v4: first 4 bytes) */
    int bits;
    char name[256];
} allow_t;

static allow_t allow[MAX_ALLOW];
static size_t num_allow;

/* The first `bits` bits of a and b agree. */
static int prefix_match(const unsigned char *a, const unsigned char *b, int bits)
{
    int whole = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)whole) != 0)
        return 0;
    return rest == 0 || ((a[whole] ^ b[whole]) & (0xff << (8 - rest)) & 0xff) == 0;
}

static const struct {
    unsigned char net[4];
    int bits;
} inside4[] = {
    {{0, 0, 0, 0}, 8},      {{10, 0, 0, 0}, 8},     {{100, 64, 0, 0}, 10}, {{127, 0, 0, 0}, 8},
    {{169, 254, 0, 0}, 16}, {{172, 16, 0, 0}, 12},  {{192, 0, 0, 0}, 24},  {{192, 0, 2, 0}, 24},
    {{192, 168, 0, 0}, 16}, {{198, 18, 0, 0}, 15},  {{198, 51, 100, 0}, 24}, {{203, 0, 113, 0}, 24},
    {{224, 0, 0, 0}, 4},    {{240, 0, 0, 0}, 4},
};

static const struct {
    unsigned char net[16];
    int bits;
} inside6[] = {
    {{0}, 128},                                    /* :: */
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128}, /* ::1 */
    {{0xfc}, 7},                                   /* ULA */
    {{0xfe, 0x80}, 10},                            /* link-local */
    {{0xfe, 0xc0}, 10},                            /* site-local (deprecated) */
    {{0xff}, 8},                                   /* multicast */
    {{0x20, 0x01, 0x0d, 0xb8}, 32},                /* documentation */
    {{0x01, 0x00}, 64},                            /* discard-only */
};

static int inside_v4(const unsigned char a[4])
{
    for (size_t i = 0; i < DFT_ARRAY_SIZE(inside4); ++i)
        if (prefix_match(a, inside4[i].net, inside4[i].bits))
            return 1;
    return 0;
}

/* The IPv4 address an IPv6 one carries (mapped, compatible, NAT64, 6to4), into v4; 1 when it carries one. */
static int carried_v4(const unsigned char a[16], unsigned char v4[4])
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b};
    static const unsigned char zero[12] = {0};
    if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0 || memcmp(a, zero, 12) == 0) {
        memcpy(v4, a + 12, 4);
        return 1;
    }
    if (a[0] == 0x20 && a[1] == 0x02) { /* 6to4: 2002:AABB:CCDD::/48 */
        memcpy(v4, a + 2, 4);
        return 1;
    }
    return 0;
}

static int inside_v6(const unsigned char a[16])
{
    unsigned char v4[4];
    for (size_t i = 0; i < DFT_ARRAY_SIZE(inside6); ++i)
        if (prefix_match(a, inside6[i].net, inside6[i].bits))
            return 1;
    return carried_v4(a, v4) && inside_v4(v4);
}

static int allowed_by_address(int family, const unsigned char *a)
{
    for (size_t i = 0; i < num_allow; ++i)
        if (allow[i].family == family && prefix_match(a, allow[i].net, allow[i].bits))
            return 1;
    return 0;
}

int dft_egress_name_allowed(const char *host)
{
    size_t n = strlen(host);
    if (n > 0 && host[n - 1] == '.') /* "localhost." is "localhost" */
        --n;
    for (size_t i = 0; i < num_allow; ++i)
        if (allow[i].family == 0 && strlen(allow[i].name) == n && strncasecmp(allow[i].name, host, n) == 0)
            return 1;
    return 0;
}

int dft_egress_address_allowed(int family, const void *addr)
{
    const unsigned char *a = addr;
    if (family == AF_INET)
        return !inside_v4(a) || allowed_by_address(AF_INET, a);
    if (family == AF_INET6) {
        unsigned char v4[4];
        if (allowed_by_address(AF_INET6, a) || (carried_v4(a, v4) && allowed_by_address(AF_INET, v4)))
            return 1;
        return !inside_v6(a);
    }
    return 0;
}

int dft_egress_url_host(const char *url, char *host, size_t size)
{
    CURLU *u = curl_url();
    char *h = NULL;
    int rc = -1;
    if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK && h != NULL) {
        size_t n = strlen(h);
        if (n >= 2 && h[0] == '[' && h[n - 1] == ']') { /* an IPv6 literal, without its zone (curl keeps that apart) */
            h[n - 1] = '\0';
            memmove(h, h + 1, n - 1);
        }
        if (strlen(h) < size) {
            memcpy(host, h, strlen(h) + 1);
            rc = 0;
        }
    }
    curl_free(h);
    curl_url_cleanup(u);
    return rc;
}

int dft_egress_url_allowed(const char *url)
{
    char host[256];
    unsigned char a[16];
    if (dft_egress_url_host(url, host, sizeof(host)) != 0)
        return 0;
    if (dft_egress_name_allowed(host))
        return 1;
    if (inet_pton(AF_INET, host, a) == 1)
        return dft_egress_address_allowed(AF_INET, a);
    if (inet_pton(AF_INET6, host, a) == 1)
        return dft_egress_address_allowed(AF_INET6, a);
    size_t n = strlen(host);
    while (n > 0 && host[n - 1] == '.')
        host[--n] = '\0';
    /* names that are loopback by definition (RFC 6761), without asking DNS */
    if (strcasecmp(host, "localhost") == 0 || (n > 10 && strcasecmp(host + n - 10, ".localhost") == 0))
        return dft_egress_address_allowed(AF_INET, (const unsigned char[]){127, 0, 0, 1});
    return 1; /* a name: its addresses are checked when a delivery connects */
}

/* One entry of webhook_allow_hosts into allow[num_allow]; 0, or -1. */
static int parse_entry(const char *s, size_t len)
{
    allow_t *e = &allow[num_allow];
    char text[256];
    if (len == 0 || len >= sizeof(text))
        return -1;
    memcpy(text, s, len);
    text[len] = '\0';
    char *slash = strchr(text, '/');
    int bits = -1;
    if (slash != NULL) {
        int64_t b;
        *slash = '\0';
        if (dft_parse_int64(slash + 1, strlen(slash + 1), 0, 128, &b) != 0)
            return -1;
        bits = (int)b;
    }
    memset(e, 0, sizeof(*e));
    if (inet_pton(AF_INET, text, e->net) == 1) {
        e->family = AF_INET;
        e->bits = bits < 0 ? 32 : bits;
        return e->bits <= 32 ? 0 : -1;
    }
    if (inet_pton(AF_INET6, text, e->net) == 1) {
        e->family = AF_INET6;
        e->bits = bits < 0 ? 128 : bits;
        return 0;
    }
    if (slash != NULL)
        return -1;
    if (text[len - 1] == '.')
        text[--len] = '\0';
    for (size_t i = 0; i < len; ++i)
        if (!isalnum((unsigned char)text[i]) && text[i] != '-' && text[i] != '.')
            return -1;
    if (len == 0)
        return -1;
    memcpy(e->name, text, len + 1);
    return 0;
}

int dft_egress_configure(const char *list, char *err, size_t errlen)
{
    num_allow = 0;
    const char *p = list != NULL ? list : "";
    while (*p != '\0') {
        size_t skip = strspn(p, ", \t");
        p += skip;
        size_t len = strcspn(p, ", \t");
        if (len == 0)
            break;
        if (num_allow == MAX_ALLOW || parse_entry(p, len) != 0) {
            snprintf(err, errlen, "webhook_allow_hosts: '%.*s' is not an address, a CIDR block or a host name (at most %d)",
                     (int)(len > 64 ? 64 : len), p, MAX_ALLOW);
            return -1;
        }
        ++num_allow;
        p += len;
    }
    return 0;
}
