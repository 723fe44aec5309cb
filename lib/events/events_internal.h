/*
 * events_internal.h — what the files of lib/events share: the webhook
 * secrets' sealing key (webhooks.c) and the deliverer (deliver.c).
 */
#ifndef DFT_EVENTS_INTERNAL_H
#define DFT_EVENTS_INTERNAL_H

#include "../core/core.h"
#include "../http/server.h"

/* Derives the key that seals endpoints' secrets from master_key; insecure: http:// to loopback accepted. */
void dft_webhooks_key(const unsigned char master[32], int insecure);
/* Opens a sealed secret into out; 0, or -1 (no key, or not sealed by it). */
int dft_webhooks_open_secret(const char *sealed, dft_buf_t *out);
/* Where deliveries may go (egress.c): reads webhook_allow_hosts; 0, or -1 with err. */
int dft_egress_configure(const char *list, char *err, size_t errlen);
/* An endpoint URL's host as curl parses it (an IPv6 literal without brackets); 0, or -1. */
int dft_egress_url_host(const char *url, char *host, size_t size);
/* Registration: the URL's host is not an address inside (or is allowed); names pass, checked at delivery. */
int dft_egress_url_allowed(const char *url);
/* The host name is on webhook_allow_hosts. */
int dft_egress_name_allowed(const char *host);
/* Delivery: a connection to this address (AF_INET: 4 bytes, AF_INET6: 16) may be opened. */
int dft_egress_address_allowed(int family, const void *addr);
/* Starts the deliverer thread when the setting webhooks is on and master_key is set; 0, or -1 (logged). */
int dft_webhooks_start(dft_server_t *server, int have_master_key);

#endif
