/*
 * cidr.h — IPv4/IPv6 networks: parse "10.0.0.0/8" or "2001:db8::/32" (a bare
 * address is a /32 or /128), and test membership. IPv4-mapped IPv6
 * addresses (::ffff:a.b.c.d) match IPv4 networks.
 */
#ifndef DFT_CIDR_H
#define DFT_CIDR_H

#include <stddef.h>
#include <stdint.h>

typedef struct dft_cidr_t {
    int family; /* 4 or 6 */
    uint8_t addr[16];
    int prefix;
} dft_cidr_t;

/* 0 or -1 (malformed, host bits set are allowed and ignored). */
int dft_cidr_parse(const char *s, size_t len, dft_cidr_t *out);
/* Parses a comma-separated list into out[max]; the count, or -1 on a malformed entry. */
int dft_cidr_parse_list(const char *s, dft_cidr_t *out, size_t max);
/* 1 when the textual address addr lies in one of the n networks. */
int dft_cidr_match(const dft_cidr_t *nets, size_t n, const char *addr, size_t len);

/* The client behind trusted proxies. `out` holds the socket peer (text); when it
 * lies in trusted[n], the X-Forwarded-For lines (lines[0..nlines), in the order
 * received: one list, as RFC 9110 joins repeated fields) are walked from the
 * right, and out becomes the first entry that is not itself a trusted proxy, in
 * canonical text. A malformed entry stops the walk at the last good hop. Each
 * proxy appends; only entries added by trusted proxies are believed, so what a
 * client wrote itself never wins. */
void dft_cidr_client(const dft_cidr_t *trusted, size_t n, const char *const *lines, const size_t *lens, size_t nlines,
                     char *out, size_t size);

#endif
