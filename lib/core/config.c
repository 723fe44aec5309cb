/*
 * config.c — table-driven settings. Adding a setting means one line in
 * `settings` below and one field in dft_config_t; parsing, range checks and
 * environment overrides come from the table.
 */
#include "config.h"

#include "core.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { KIND_STRING, KIND_INT, KIND_BOOL } kind_t;

typedef struct setting_t {
    const char *name;
    kind_t kind;
    size_t offset;
    const char *defval;
    int64_t min, max;
} setting_t;

#define STR(field, def) {#field, KIND_STRING, offsetof(dft_config_t, field), def, 0, 0}
#define INT(field, def, lo, hi) {#field, KIND_INT, offsetof(dft_config_t, field), #def, lo, hi}
/* on or off (1 and 0 too), kept as 1 or 0 in an int64_t field */
#define BOOL(field, def) {#field, KIND_BOOL, offsetof(dft_config_t, field), def, 0, 1}

static const setting_t settings[] = {
    STR(listen, "127.0.0.1:8080"),
    STR(tls_listen, ""),
    STR(tls_cert, ""),
    STR(tls_key, ""),
    INT(threads, 0, 0, 256),
    INT(max_body, 1048576, 1024, 64 * 1048576),
    INT(max_request_size, 22020096, 1024, 256 * 1048576),
    INT(max_upload, 20971520, 1024, 256 * 1048576),
    INT(max_json_depth, 32, 2, 256),
    INT(max_header_bytes, 32768, 1024, 1048576),
    INT(h2_max_streams, 32, 1, 256),
    INT(header_timeout_ms, 10000, 100, 600000),
    INT(idle_timeout_ms, 30000, 100, 3600000),
    INT(min_body_rate, 1024, 0, 1073741824),
    INT(shutdown_timeout_ms, 10000, 0, 600000),
    INT(gzip_level, 5, 0, 9),
    INT(brotli_quality, 4, 0, 11),
    STR(cors_origins, ""),
    STR(trusted_proxies, ""),
    STR(log_level, "info"),
    STR(db_dsn, ""),
    STR(db_admin_dsn, ""),
    STR(db_standby_dsn, ""),
    STR(clusters, ""),
    STR(cluster_admin_dsns, ""),
    INT(db_connections, 2, 1, 64),
    INT(db_queue_max, 1024, 1, 1000000),
    INT(db_pipeline_depth, 64, 1, 1024),
    INT(db_statement_timeout_ms, 5000, 10, 600000),
    INT(db_connect_timeout_ms, 3000, 100, 60000),
    INT(db_wait_ms, 2000, 10, 60000),
    STR(master_key, ""),
    STR(jwt_issuer, "daftar"),
    STR(jwt_audience, "daftar-api"),
    INT(access_ttl, 900, 60, 900),
    INT(refresh_ttl, 2592000, 3600, 7776000),
    INT(refresh_replay_s, 30, 0, 300),
    INT(workers, 0, 0, 64),
    INT(worker_queue_max, 256, 1, 100000),
    INT(worker_starve_ms, 500, 0, 60000),
    INT(hash_process, 1, 0, 1),
    INT(login_address_limit, 50, 1, 1000000),
    INT(login_account_limit, 100, 10, 1000000),
    INT(login_hashing_per_address, 8, 1, 100000),
    INT(login_hashing_max, 32, 1, 100000),
    INT(password_scrypt_log_n, 17, 14, 18),
    STR(signing_ca, ""),
    STR(signing_crl_dir, ""),
    STR(metrics_listen, "127.0.0.1:9464"),
    STR(metrics_token, ""),
    BOOL(timers, "on"),
    INT(timers_rescan_ms, 60000, 50, 600000),
    INT(audit_checkpoint_s, 300, 0, 86400),
    INT(idempotency_ttl_s, 86400, 1, 2592000),
    STR(smtp_url, ""),
    STR(smtp_user, ""),
    STR(smtp_password, ""),
    STR(mail_from, ""),
    INT(mail_rescan_ms, 5000, 50, 600000),
    INT(events_heartbeat_ms, 15000, 100, 600000),
    INT(events_buffer_bytes, 65536, 1024, 16777216),
    INT(events_max_streams, 20000, 0, 1000000),
    INT(events_retention_days, 7, 1, 365),
    BOOL(webhooks, "on"),
    INT(webhook_timeout_ms, 5000, 100, 60000),
    INT(webhook_max_attempts, 8, 1, 50),
    INT(webhook_backoff_ms, 1000, 10, 3600000),
    INT(webhook_rescan_ms, 5000, 50, 600000),
    BOOL(webhook_insecure_loopback, "off"),
    STR(webhook_allow_hosts, ""),
};

static const setting_t *find_setting(const char *name)
{
    for (size_t i = 0; i < DFT_ARRAY_SIZE(settings); ++i)
        if (strcmp(settings[i].name, name) == 0)
            return &settings[i];
    return NULL;
}

int dft_config_set(dft_config_t *c, const char *key, const char *value, char *err, size_t errlen)
{
    const setting_t *s = find_setting(key);
    if (s == NULL) {
        snprintf(err, errlen, "unknown setting '%s'", key);
        return -1;
    }
    void *field = (char *)c + s->offset;
    if (s->kind == KIND_STRING) {
        char **p = field;
        free(*p);
        *p = dft_strdup(value);
        return 0;
    }
    int64_t v;
    if (s->kind == KIND_BOOL) {
        if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0 && strcmp(value, "1") != 0 && strcmp(value, "0") != 0) {
            snprintf(err, errlen, "setting '%s' must be on or off", key);
            return -1;
        }
        *(int64_t *)field = strcmp(value, "on") == 0 || strcmp(value, "1") == 0;
        return 0;
    }
    if (dft_parse_int64(value, strlen(value), s->min, s->max, &v) != 0) {
        snprintf(err, errlen, "setting '%s' must be a whole number from %lld to %lld", key, (long long)s->min,
                 (long long)s->max);
        return -1;
    }
    *(int64_t *)field = v;
    return 0;
}

void dft_config_init(dft_config_t *c)
{
    char err[128];
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < DFT_ARRAY_SIZE(settings); ++i)
        if (dft_config_set(c, settings[i].name, settings[i].defval, err, sizeof(err)) != 0)
            dft_fatal("bad default: %s", err);
}

void dft_config_dispose(dft_config_t *c)
{
    for (size_t i = 0; i < DFT_ARRAY_SIZE(settings); ++i)
        if (settings[i].kind == KIND_STRING)
            free(*(char **)((char *)c + settings[i].offset));
    memset(c, 0, sizeof(*c));
}

static const char *trim(char *s, char **end)
{
    while (*s == ' ' || *s == '\t')
        ++s;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        --e;
    *e = '\0';
    if (end != NULL)
        *end = e;
    return s;
}

int dft_config_load_text(dft_config_t *c, const char *text, size_t len, const char *origin, char *err, size_t errlen)
{
    char *copy = dft_strndup(text, len), *line = copy, *next;
    int lineno = 0, ret = 0;
    for (; line != NULL && ret == 0; line = next) {
        ++lineno;
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        const char *l = trim(line, NULL);
        if (*l == '\0' || *l == '#')
            continue;
        char *eq = strchr(l, '=');
        if (eq == NULL) {
            snprintf(err, errlen, "%s:%d: expected 'key = value'", origin, lineno);
            ret = -1;
            break;
        }
        *eq = '\0';
        const char *key = trim((char *)l, NULL), *value = trim(eq + 1, NULL);
        char inner[200];
        if (dft_config_set(c, key, value, inner, sizeof(inner)) != 0) {
            snprintf(err, errlen, "%s:%d: %s", origin, lineno, inner);
            ret = -1;
        }
    }
    free(copy);
    return ret;
}

int dft_config_load_file(dft_config_t *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "cannot open config file %s", path);
        return -1;
    }
    dft_buf_t b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        dft_buf_append(&b, chunk, n);
    fclose(f);
    int ret = dft_config_load_text(c, b.data ? b.data : "", b.len, path, err, errlen);
    dft_buf_dispose(&b);
    return ret;
}

int dft_config_load_env(dft_config_t *c, char *err, size_t errlen)
{
    for (size_t i = 0; i < DFT_ARRAY_SIZE(settings); ++i) {
        char name[64] = "DAFTAR_";
        size_t k = strlen(name);
        for (const char *p = settings[i].name; *p && k + 1 < sizeof(name); ++p)
            name[k++] = (char)toupper((unsigned char)*p);
        name[k] = '\0';
        const char *v = getenv(name);
        if (v == NULL)
            continue;
        char inner[200];
        if (dft_config_set(c, settings[i].name, v, inner, sizeof(inner)) != 0) {
            snprintf(err, errlen, "%s: %s", name, inner);
            return -1;
        }
    }
    return 0;
}

int dft_config_split_hostport(const char *s, char *host, size_t hostlen, uint16_t *port)
{
    const char *colon;
    size_t hl;
    if (*s == '[') {
        const char *close = strchr(s, ']');
        if (close == NULL || close[1] != ':')
            return -1;
        hl = (size_t)(close - s - 1);
        ++s;
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (colon == NULL)
            return -1;
        hl = (size_t)(colon - s);
    }
    int64_t p;
    if (hl == 0 || hl >= hostlen || dft_parse_int64(colon + 1, strlen(colon + 1), 1, 65535, &p) != 0)
        return -1;
    memcpy(host, s, hl);
    host[hl] = '\0';
    *port = (uint16_t)p;
    return 0;
}

static int cluster_name_valid(const char *s, size_t len)
{
    if (len < 1 || len > 31 || !(s[0] >= 'a' && s[0] <= 'z'))
        return 0;
    for (size_t i = 1; i < len; ++i)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

void dft_clusters_dispose(dft_cluster_t *list, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        free(list[i].dsn);
}

int dft_clusters_parse(const char *spec, dft_cluster_t *out, size_t max, char *err, size_t errlen)
{
    char *copy = dft_strdup(spec), *item = copy, *next;
    int n = 0;
    for (; item != NULL; item = next) {
        next = strchr(item, ';');
        if (next != NULL)
            *next++ = '\0';
        char *end;
        const char *it = trim(item, &end);
        if (*it == '\0')
            continue;
        const char *eq = strchr(it, '=');
        size_t nl = eq != NULL ? (size_t)(eq - it) : 0;
        while (nl > 0 && (it[nl - 1] == ' ' || it[nl - 1] == '\t'))
            --nl;
        const char *dsn = eq != NULL ? trim((char *)eq + 1, NULL) : "";
        int dup = 0;
        for (int i = 0; i < n; ++i)
            dup |= strlen(out[i].name) == nl && memcmp(out[i].name, it, nl) == 0;
        if (eq == NULL || !cluster_name_valid(it, nl) || (nl == 4 && memcmp(it, "main", 4) == 0) || dup || *dsn == '\0' ||
            (size_t)n == max) {
            snprintf(err, errlen, "clusters: expected name=dsn;... with distinct names ^[a-z][a-z0-9_]{0,30}$ other than "
                                  "main (its DSN is db_dsn), at most %zu", max);
            dft_clusters_dispose(out, (size_t)n);
            free(copy);
            return -1;
        }
        memcpy(out[n].name, it, nl);
        out[n].name[nl] = '\0';
        out[n].dsn = dft_strdup(dsn);
        ++n;
    }
    free(copy);
    return n;
}
