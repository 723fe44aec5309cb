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
    CHECK_STR(c.metrics_listen, "127.0.0.1:9464"); /* loopback: /metrics is never on the API listeners */
    CHECK_STR(c.metrics_token, "");
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

TEST(test_config__on_off_settings)
{
    dft_config_t c;
    char err[200] = "";
    dft_config_init(&c);
    CHECK(c.timers == 1); /* on by default: every server fires due timers */
    const char *text = "timers = off\n";
    CHECK(dft_config_load_text(&c, text, strlen(text), "t.conf", err, sizeof(err)) == 0);
    CHECK(c.timers == 0);
    text = "timers = on\n";
    CHECK(dft_config_load_text(&c, text, strlen(text), "t.conf", err, sizeof(err)) == 0);
    CHECK(c.timers == 1);
    text = "timers = 0\n"; /* what the first example file said */
    CHECK(dft_config_load_text(&c, text, strlen(text), "t.conf", err, sizeof(err)) == 0);
    CHECK(c.timers == 0);
    text = "timers = yes\n";
    CHECK(dft_config_load_text(&c, text, strlen(text), "t.conf", err, sizeof(err)) == -1);
    CHECK_STR(err, "t.conf:1: setting 'timers' must be on or off");
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
    CASE(test_config__on_off_settings),
    CASE(test_config__splits_host_and_port),
    {NULL, NULL},
};

#include "core/cidr.h"

TEST(test_cidr__parse_and_match)
{
    dft_cidr_t nets[4];
    CHECK(dft_cidr_parse_list("10.0.0.0/8, 127.0.0.2/32,2001:db8::/32", nets, 4) == 3);
    CHECK(dft_cidr_match(nets, 3, "10.200.3.4", 10));
    CHECK(!dft_cidr_match(nets, 3, "11.0.0.1", 8));
    CHECK(dft_cidr_match(nets, 3, "127.0.0.2", 9));
    CHECK(!dft_cidr_match(nets, 3, "127.0.0.1", 9));
    CHECK(dft_cidr_match(nets, 3, "::ffff:10.1.1.1", 15)); /* mapped IPv4 */
    CHECK(dft_cidr_match(nets, 3, "2001:db8:ffff::1", 16));
    CHECK(!dft_cidr_match(nets, 3, "2001:db9::1", 11));
    CHECK(!dft_cidr_match(nets, 3, "not an address", 14));
    dft_cidr_t one;
    CHECK(dft_cidr_parse("192.168.1.7/33", 14, &one) == -1);
    CHECK(dft_cidr_parse("192.168.1.7/", 12, &one) == -1);
    CHECK(dft_cidr_parse("192.168.1.7", 11, &one) == 0 && one.prefix == 32);
    CHECK(dft_cidr_parse("10.0.0.0/12", 11, &one) == 0 && dft_cidr_match(&one, 1, "10.15.255.255", 13) &&
          !dft_cidr_match(&one, 1, "10.16.0.0", 9));
    CHECK(dft_cidr_parse_list("10.0.0.0/8,bogus", nets, 4) == -1);
    CHECK(dft_cidr_parse_list("", nets, 4) == 0);
}

static const char *client(const char *peer, const char *const *lines, size_t n)
{
    static char out[64];
    dft_cidr_t trusted[2];
    size_t lens[8];
    for (size_t i = 0; i < n; ++i)
        lens[i] = strlen(lines[i]);
    snprintf(out, sizeof(out), "%s", peer);
    CHECK(dft_cidr_parse_list("127.0.0.1/32,10.0.0.0/8", trusted, 2) == 2);
    dft_cidr_client(trusted, 2, lines, lens, n, out, sizeof(out));
    return out;
}

/* Security review item 1: every X-Forwarded-For line, one list, walked from the right. */
TEST(test_cidr__client_behind_trusted_proxies)
{
    const char *two_lines[] = {"10.1.1.1", "203.0.113.9"}; /* the client's own line first, the proxy's last */
    CHECK_STR(client("127.0.0.1", two_lines, 2), "203.0.113.9");
    const char *one_line[] = {"10.1.1.1, 203.0.113.9"};
    CHECK_STR(client("127.0.0.1", one_line, 1), "203.0.113.9");
    CHECK_STR(client("198.51.100.3", two_lines, 2), "198.51.100.3"); /* peer not a proxy: headers ignored */
    const char *chain[] = {"198.51.100.7, 10.0.0.5", "10.2.3.4"};  /* two trusted hops */
    CHECK_STR(client("127.0.0.1", chain, 2), "198.51.100.7");
    const char *all_trusted[] = {"10.0.0.7"};
    CHECK_STR(client("127.0.0.1", all_trusted, 1), "10.0.0.7");
    const char *bad[] = {"1.2.3.4, bogus"};
    CHECK_STR(client("127.0.0.1", bad, 1), "127.0.0.1");
    const char *empty[] = {"1.2.3.4,,"};
    CHECK_STR(client("127.0.0.1", empty, 1), "127.0.0.1");
    const char *net[] = {"1.2.3.0/24"};
    CHECK_STR(client("127.0.0.1", net, 1), "127.0.0.1");
    const char *upper[] = {"2001:DB8:0::1"};
    CHECK_STR(client("127.0.0.1", upper, 1), "2001:db8::1"); /* canonical text */
    const char *bad_behind_good[] = {"bogus", "203.0.113.9"};
    CHECK_STR(client("127.0.0.1", bad_behind_good, 2), "203.0.113.9");
}

const test_case_t cidr_cases[] = {
    CASE(test_cidr__parse_and_match),
    CASE(test_cidr__client_behind_trusted_proxies),
    {NULL, NULL},
};
