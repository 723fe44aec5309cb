/*
 * core.c — fatal errors, allocation that cannot fail, small parsing and
 * buffer helpers. See core.h for the contracts.
 */
#include "core.h"

#include <pthread.h>

#include <errno.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void dft_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("daftar: fatal: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

void *dft_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL)
        dft_fatal("out of memory (%zu bytes)", size);
    return p;
}

void *dft_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        dft_fatal("out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *dft_realloc(void *old, size_t size)
{
    void *p = realloc(old, size ? size : 1);
    if (p == NULL)
        dft_fatal("out of memory (%zu bytes)", size);
    return p;
}

char *dft_strndup(const char *s, size_t n)
{
    char *p = dft_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *dft_strdup(const char *s)
{
    return dft_strndup(s, strlen(s));
}

void dft_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

int dft_parse_int64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
    char tmp[24];
    if (len == 0 || len >= sizeof(tmp))
        return -1;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    for (size_t i = 0; i < len; ++i)
        if (!((tmp[i] >= '0' && tmp[i] <= '9') || (i == 0 && tmp[i] == '-' && len > 1)))
            return -1;
    errno = 0;
    char *end;
    long long v = strtoll(tmp, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

void dft_random_hex(char *buf, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char raw[64];
    while (n > 0) {
        size_t chunk = n < sizeof(raw) ? n : sizeof(raw);
        if (RAND_bytes(raw, (int)chunk) != 1)
            dft_fatal("RAND_bytes failed");
        for (size_t i = 0; i < chunk; ++i) {
            *buf++ = digits[raw[i] >> 4];
            *buf++ = digits[raw[i] & 15];
        }
        n -= chunk;
    }
    *buf = '\0';
}

uint64_t dft_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void dft_buf_reserve(dft_buf_t *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = dft_realloc(b->data, cap);
    b->cap = cap;
}

void dft_buf_append(dft_buf_t *b, const char *s, size_t n)
{
    dft_buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void dft_buf_puts(dft_buf_t *b, const char *s)
{
    dft_buf_append(b, s, strlen(s));
}

void dft_buf_printf(dft_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    dft_buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; ++i)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return len;
}

size_t dft_utf8_chars(const char *s, size_t n)
{
    size_t chars = 0;
    for (size_t i = 0; i < n; ++chars) {
        size_t len = utf8_len((const unsigned char *)s + i, n - i);
        if (len == 0 || s[i] == '\0')
            return SIZE_MAX;
        i += len;
    }
    return chars;
}

void dft_buf_json_escape(dft_buf_t *b, const char *s, size_t n)
{
    dft_buf_reserve(b, n + 8);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t len = utf8_len((const unsigned char *)s + i, n - i);
        if (len == 0 || c == 0) { /* invalid UTF-8 or NUL: U+FFFD, so the output is always valid JSON */
            dft_buf_append(b, "\xef\xbf\xbd", 3);
            ++i;
            continue;
        }
        if (len > 1) {
            dft_buf_append(b, s + i, len);
            i += len;
            continue;
        }
        switch (c) {
        case '"':
            dft_buf_append(b, "\\\"", 2);
            break;
        case '\\':
            dft_buf_append(b, "\\\\", 2);
            break;
        case '\n':
            dft_buf_append(b, "\\n", 2);
            break;
        case '\r':
            dft_buf_append(b, "\\r", 2);
            break;
        case '\t':
            dft_buf_append(b, "\\t", 2);
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char esc[8];
                snprintf(esc, sizeof(esc), "\\u%04x", c);
                dft_buf_append(b, esc, 6);
            } else {
                dft_buf_append(b, (const char *)&c, 1);
            }
        }
        ++i;
    }
}

void dft_buf_dispose(dft_buf_t *b)
{
    free(b->data);
    *b = (dft_buf_t){0};
}

int dft_thread_start_detached(void *(*fn)(void *), void *arg)
{
    pthread_t tid;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&tid, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    return rc;
}

/* 1 when d[0..len) is "YYYY-MM-DD", a real day. */
int dft_date_valid(const char *d, size_t len)
{
    int64_t y, m, day;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return len == 10 && d[4] == '-' && d[7] == '-' && dft_parse_int64(d, 4, 1900, 2999, &y) == 0 &&
           dft_parse_int64(d + 5, 2, 1, 12, &m) == 0 && dft_parse_int64(d + 8, 2, 1, days[m - 1], &day) == 0 &&
           !(m == 2 && day == 29 && (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)));
}

/* RFC 3339 date-time (section 5.6): YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), T and Z in either
 * case; a real day, hours 00-23, minutes 00-59, seconds 00-60 (a leap second), at most 9 fraction digits. */
int dft_time_valid(const char *t, size_t len)
{
    int64_t v;
    if (len < 20 || len > 35 || !dft_date_valid(t, 10) || (t[10] != 'T' && t[10] != 't') || t[13] != ':' || t[16] != ':' ||
        dft_parse_int64(t + 11, 2, 0, 23, &v) != 0 || dft_parse_int64(t + 14, 2, 0, 59, &v) != 0 ||
        dft_parse_int64(t + 17, 2, 0, 60, &v) != 0)
        return 0;
    size_t i = 19;
    if (t[i] == '.') {
        size_t digits = strspn(t + i + 1, "0123456789");
        if (digits == 0 || digits > 9)
            return 0;
        i += 1 + digits;
    }
    if (i < len && (t[i] == 'Z' || t[i] == 'z'))
        return i + 1 == len;
    return i + 6 == len && (t[i] == '+' || t[i] == '-') && t[i + 3] == ':' && dft_parse_int64(t + i + 1, 2, 0, 23, &v) == 0 &&
           dft_parse_int64(t + i + 4, 2, 0, 59, &v) == 0;
}

int dft_uuid_valid(const char *s, size_t len)
{
    if (len != 36)
        return 0;
    for (size_t i = 0; i < 36; ++i) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return 0;
        }
    }
    return 1;
}
