/*
 * core.h — the few helpers every part of daftar uses.
 *
 * Allocation failure is not an error we handle: it ends the process through
 * dft_fatal(), so callers never check for NULL after dft_malloc() and friends.
 * Nothing here allocates on behalf of a request; request memory comes from the
 * request's h2o pool.
 */
#ifndef DFT_CORE_H
#define DFT_CORE_H

#include <stddef.h>
#include <stdint.h>

#define DFT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

__attribute__((noreturn, format(printf, 1, 2))) void dft_fatal(const char *fmt, ...);

void *dft_malloc(size_t size);
void *dft_calloc(size_t n, size_t size);
void *dft_realloc(void *p, size_t size);
char *dft_strdup(const char *s);
char *dft_strndup(const char *s, size_t n);

/* Overwrites secret bytes so the compiler cannot drop the write. */
void dft_wipe(void *p, size_t n);

/* Parses a whole decimal integer in [min, max]; 0 on success, -1 otherwise. */
int dft_parse_int64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out);

/* Writes 2*n lowercase hex digits of n random bytes (RAND_bytes) and a NUL: buf holds 2*n+1. */
void dft_random_hex(char *buf, size_t n);

/* Milliseconds from CLOCK_MONOTONIC. */
uint64_t dft_now_ms(void);
/* Starts fn(arg) on a detached thread (the background threads: timers, mailer, webhooks); 0, or an errno. */
int dft_thread_start_detached(void *(*fn)(void *), void *arg);

/* Growable byte buffer for building text off the hot path (CLI, logs, metrics). */
typedef struct dft_buf_t {
    char *data;
    size_t len, cap;
} dft_buf_t;

void dft_buf_reserve(dft_buf_t *b, size_t extra);
void dft_buf_append(dft_buf_t *b, const char *s, size_t n);
void dft_buf_puts(dft_buf_t *b, const char *s);
__attribute__((format(printf, 2, 3))) void dft_buf_printf(dft_buf_t *b, const char *fmt, ...);
/* Appends s as the body of a JSON string (no quotes), escaping as RFC 8259 requires;
 * invalid UTF-8 and NUL become U+FFFD, so the result is always valid JSON. */
void dft_buf_json_escape(dft_buf_t *b, const char *s, size_t n);
void dft_buf_dispose(dft_buf_t *b);

/* Characters (code points) in s when it is valid UTF-8 without NUL; SIZE_MAX when it is not. */
size_t dft_utf8_chars(const char *s, size_t n);
/* 1 when d[0..len) is a date "YYYY-MM-DD" (a real day, years 1900-2999). */
int dft_date_valid(const char *d, size_t len);
/* 1 when t[0..len) is an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)). */
int dft_time_valid(const char *t, size_t len);
/* 1 when s[0..len) is a UUID in text form. */
int dft_uuid_valid(const char *s, size_t len);

#endif
