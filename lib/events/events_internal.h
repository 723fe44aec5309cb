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
/* Starts the deliverer thread when the setting webhooks is on and master_key is set; 0, or -1 (logged). */
int dft_webhooks_start(dft_server_t *server, int have_master_key);

#endif
