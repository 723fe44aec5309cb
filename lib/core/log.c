/*
 * log.c — JSON log lines on stderr. See log.h.
 */
#include "log.h"

#include "core.h"

#include <stdarg.h>
#include <stdio.h>
#include <sys/uio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static dft_log_level_t min_level = DFT_LOG_INFO;
static const char *const level_names[] = {"debug", "info", "warn", "error"};

void dft_log_set_level(dft_log_level_t min)
{
    min_level = min;
}

int dft_log_enabled(dft_log_level_t level)
{
    return level >= min_level;
}

void dft_log_timestamp(char *buf, size_t size)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

void dft_log_raw(const char *json, size_t len)
{
    struct iovec iov[2] = {{(void *)json, len}, {"\n", 1}};
    ssize_t r = writev(STDERR_FILENO, iov, 2);
    (void)r;
}

void dft_log(dft_log_level_t level, const char *event, const char *fmt, ...)
{
    if (level < min_level)
        return;
    char msg[1024], ts[40];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof(msg))
        n = sizeof(msg) - 1;
    dft_log_timestamp(ts, sizeof(ts));

    dft_buf_t b = {0};
    dft_buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"event\":\"", ts, level_names[level]);
    dft_buf_json_escape(&b, event, strlen(event));
    dft_buf_puts(&b, "\",\"msg\":\"");
    dft_buf_json_escape(&b, msg, (size_t)n);
    dft_buf_puts(&b, "\"}");
    dft_log_raw(b.data, b.len);
    dft_buf_dispose(&b);
}
