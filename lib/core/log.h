/*
 * log.h — structured logs: one JSON object per line on stderr, UTC times.
 *
 * Never pass tokens, passwords, OTPs, request bodies or library error text
 * that may echo them; callers log request ids and codes instead. Each line is
 * written with a single write(2) so lines from different threads never mix.
 */
#ifndef DFT_LOG_H
#define DFT_LOG_H

#include <stddef.h>

typedef enum { DFT_LOG_DEBUG, DFT_LOG_INFO, DFT_LOG_WARN, DFT_LOG_ERROR } dft_log_level_t;

void dft_log_set_level(dft_log_level_t min);
int dft_log_enabled(dft_log_level_t level);

/* Logs {"ts":..,"level":..,"event":EVENT,"msg":FMT...}. */
__attribute__((format(printf, 3, 4))) void dft_log(dft_log_level_t level, const char *event, const char *fmt, ...);

/* Writes an already-built JSON object (without newline) as one line. */
void dft_log_raw(const char *json, size_t len);

/* Formats now as RFC 3339 UTC with milliseconds into buf (at least 32 bytes). */
void dft_log_timestamp(char *buf, size_t size);

#endif
