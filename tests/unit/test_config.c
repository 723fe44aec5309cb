/*
 * test_config.c — defaults, file parsing, environment overrides, errors.
 */
#include "core/config.h"
#include "test.h"

#include <stdlib.h>

TEST(test_config__defaults)
{
    dft_config_t c;
    dft_config_init(&c);
    CHECK_STR(c.listen, "127.0.0.1:8080");
    CHECK(c.max_body == 1048576);
    CHECK(c.h2_max_streams == 32);
    CHECK_STR(c.tls_listen, "");
    dft_config_dispose(&c);
}

TEST(test_config__parses_file_text)
{
    dft_config_t c;
    char err[200] = "";
    dft_config_init(&c);
    const char *text = "# comment\n\nlisten = 0.0.0.0:9000\r\n  max_body=2048  \nthreads = 3\ncors_origins = https://a.gov.in, https://b\n";
    CHECK(dft_config_load_text(&c, text, strlen(text), "t.conf", err, sizeof(err)) == 0);
    CHECK_STR(c.listen, "0.0.0.0:9000");
    CHECK(c.max_body == 2048);
    CHECK(c.threads == 3);
    CHECK_STR(c.cors_origins, "https://a.gov.in, https://b");
    dft_config_dispose(&c);
}

TEST(test_config__rejects_unknown_key_and_bad_values)
{
    dft_config_t c;
    char err[200] = "";
    dft_config_init(&c);
    const char *text = "listen = x:1\nmax_bdy = 10\n";
    CHECK(dft_config_load_text(&c, text, strlen(text), "t.conf", err, sizeof(err)) == -1);
    CHECK_STR(err, "t.conf:2: unknown setting 'max_bdy'");
    text = "max_body = 12abc\n";
    CHECK(dft_config_load_text(&c, text, strlen(text), "t.conf", err, sizeof(err)) == -1);
    CHECK(strstr(err, "t.conf:1: setting 'max_body' must be a whole number") == err);
    text = "threads = 100000\n";
    CHECK(dft_config_load_text(&c, text, strlen(text), "t.conf", err, sizeof(err)) == -1);
    text = "just words\n";
    CHECK(dft_config_load_text(&c, text, strlen(text), "t.conf", err, sizeof(err)) == -1);
    CHECK_STR(err, "t.conf:1: expected 'key = value'");
    dft_config_dispose(&c);
}

TEST(test_config__environment_overrides_file)
{
    dft_config_t c;
    char err[200] = "";
    dft_config_init(&c);
    const char *text = "listen = 127.0.0.1:1\nthreads = 2\n";
    CHECK(dft_config_load_text(&c, text, strlen(text), "t.conf", err, sizeof(err)) == 0);
    setenv("DAFTAR_LISTEN", "127.0.0.1:2", 1);
    CHECK(dft_config_load_env(&c, err, sizeof(err)) == 0);
    CHECK_STR(c.listen, "127.0.0.1:2");
    CHECK(c.threads == 2);
    setenv("DAFTAR_THREADS", "-1", 1);
    CHECK(dft_config_load_env(&c, err, sizeof(err)) == -1);
    CHECK(strstr(err, "DAFTAR_THREADS") == err);
    unsetenv("DAFTAR_LISTEN");
    unsetenv("DAFTAR_THREADS");
    dft_config_dispose(&c);
}

TEST(test_config__splits_host_and_port)
{
    char host[64];
    uint16_t port;
    CHECK(dft_config_split_hostport("127.0.0.1:8443", host, sizeof(host), &port) == 0);
    CHECK_STR(host, "127.0.0.1");
    CHECK(port == 8443);
    CHECK(dft_config_split_hostport("[::1]:80", host, sizeof(host), &port) == 0);
    CHECK_STR(host, "::1");
    CHECK(port == 80);
    CHECK(dft_config_split_hostport("localhost", host, sizeof(host), &port) == -1);
    CHECK(dft_config_split_hostport("h:0", host, sizeof(host), &port) == -1);
    CHECK(dft_config_split_hostport("h:65536", host, sizeof(host), &port) == -1);
    CHECK(dft_config_split_hostport(":80", host, sizeof(host), &port) == -1);
}

const test_case_t config_cases[] = {
    CASE(test_config__defaults),
    CASE(test_config__parses_file_text),
    CASE(test_config__rejects_unknown_key_and_bad_values),
    CASE(test_config__environment_overrides_file),
    CASE(test_config__splits_host_and_port),
    {NULL, NULL},
};
