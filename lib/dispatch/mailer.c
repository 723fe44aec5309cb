/*
 * mailer.c — e-Dispatch's letters by e-mail, sent off the event loops.
 *
 * One thread per server when `smtp_url` is set, with its own blocking
 * libpq connection as the server's role (db_dsn) and libcurl's SMTP client:
 * nothing here touches an event-loop thread. It scans for departments with
 * e-mail letters due (daftar.mail_due_departments: an index probe each)
 * when an issue NOTIFYs daftar_mail and every mail_rescan_ms, and for each
 * such department, as the department's role and the officer 'mailer':
 *   claim    dept.mail_claim(): the letter due first, leased for 10 minutes
 *            (one short transaction; FOR UPDATE SKIP LOCKED, so servers
 *            share the work);
 *   send     a MIME message (the letter's text, the PDF attached) to the
 *            relay, no transaction open;
 *   record   dept.mail_done(): sent (status sent, an event, an audit event),
 *            or the relay's answer and a retry after a backoff that doubles
 *            up to an hour.
 * A server that dies while sending leaves the lease to run out and another
 * sends the letter again: at least once, never lost. What goes into a
 * header from a draft (the addressee's name, the subject) is RFC 2047
 * encoded, so no text of a draft can add a header; e-mail addresses were
 * checked when drafted (no spaces, quotes or line breaks). The relay's
 * password is never logged.
 */
#include "dispatch.h"

#include "../core/core.h"
#include "../core/log.h"
#include "../db/db.h"
#include "../http/metrics.h"

#include <curl/curl.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PER_SCAN 100 /* letters a department a scan, at most */

typedef struct mailer_t {
    char *dsn, *url, *user, *password, *from;
    int64_t rescan_ms;
} mailer_t;

static uint64_t sent_total, failed_total;

static void render_metrics(dft_buf_t *out)
{
    dft_buf_printf(out,
                   "# HELP daftar_mail_sent_total Letters this server sent by e-mail.\n"
                   "# TYPE daftar_mail_sent_total counter\n"
                   "daftar_mail_sent_total %llu\n"
                   "# HELP daftar_mail_failed_total Tries to send a letter by e-mail that the relay refused or that failed.\n"
                   "# TYPE daftar_mail_failed_total counter\n"
                   "daftar_mail_failed_total %llu\n",
                   (unsigned long long)__atomic_load_n(&sent_total, __ATOMIC_RELAXED),
                   (unsigned long long)__atomic_load_n(&failed_total, __ATOMIC_RELAXED));
}

/* ------------------------------------------------------------ message */

/* Standard base64 of in[0..n) appended to b, in lines of 76 characters and CRLF. */
static void b64_lines(dft_buf_t *b, const unsigned char *in, size_t n)
{
    unsigned char line[80];
    for (size_t i = 0; i < n; i += 57) {
        int len = EVP_EncodeBlock(line, in + i, (int)(n - i < 57 ? n - i : 57));
        dft_buf_append(b, (const char *)line, (size_t)len);
        dft_buf_puts(b, "\r\n");
    }
}

/* Text as RFC 2047 encoded words (UTF-8, base64), each of at most 45 bytes of text cut at a character's
 * start, on folded lines: safe in any header whatever the text holds. */
static void encoded_words(dft_buf_t *b, const char *s)
{
    size_t n = strlen(s), i = 0;
    if (n == 0)
        return;
    while (i < n) {
        size_t k = n - i < 45 ? n - i : 45;
        while (k > 0 && i + k < n && ((unsigned char)s[i + k] & 0xc0) == 0x80) /* not inside a character */
            --k;
        unsigned char word[64];
        int len = EVP_EncodeBlock(word, (const unsigned char *)s + i, (int)k);
        dft_buf_printf(b, "%s=?UTF-8?B?%.*s?=", i ? "\r\n " : "", len, (const char *)word);
        i += k;
    }
}

typedef struct letter_t {
    char id[37], *email, *name, *number, *subject, *body, *filename;
    unsigned char *content;
    size_t content_len;
} letter_t;

static void letter_dispose(letter_t *l)
{
    free(l->email);
    free(l->name);
    free(l->number);
    free(l->subject);
    free(l->body);
    free(l->filename);
    free(l->content);
    memset(l, 0, sizeof(*l));
}

static void message_build(const mailer_t *m, const letter_t *l, dft_buf_t *b)
{
    char date[64], file[96];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
    size_t k = 0; /* the attachment's name: the dispatch number, in characters any client takes */
    for (const char *p = l->number; *p && k + 5 < sizeof(file); ++p)
        file[k++] = strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p) ? *p : '-';
    memcpy(file + k, ".pdf", 5);
    dft_buf_printf(b, "From: <%s>\r\nTo: ", m->from);
    encoded_words(b, l->name);
    dft_buf_printf(b, " <%s>\r\nSubject: ", l->email);
    dft_buf_t subject = {0};
    dft_buf_printf(&subject, "%s: %s", l->number, l->subject);
    encoded_words(b, subject.data);
    dft_buf_dispose(&subject);
    dft_buf_printf(b,
                   "\r\nDate: %s\r\nMessage-ID: <%s@daftar>\r\nMIME-Version: 1.0\r\n"
                   "Content-Type: multipart/mixed; boundary=\"daftar-%s\"\r\n\r\n"
                   "--daftar-%s\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                   date, l->id, l->id, l->id);
    dft_buf_t text = {0};
    dft_buf_printf(&text, "%s\r\n%s\r\n\r\n%s\r\n", l->number, l->subject, l->body);
    b64_lines(b, (const unsigned char *)text.data, text.len);
    dft_buf_dispose(&text);
    dft_buf_printf(b,
                   "--daftar-%s\r\nContent-Type: application/pdf; name=\"%s\"\r\n"
                   "Content-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                   l->id, file, file);
    b64_lines(b, l->content, l->content_len);
    dft_buf_printf(b, "--daftar-%s--\r\n", l->id);
}

typedef struct reader_t {
    const dft_buf_t *msg;
    size_t at;
} reader_t;

static size_t read_message(char *out, size_t size, size_t n, void *arg)
{
    reader_t *r = arg;
    size_t left = r->msg->len - r->at, k = size * n < left ? size * n : left;
    memcpy(out, r->msg->data + r->at, k);
    r->at += k;
    return k;
}

/* Sends l through the relay: 0, or -1 with why (the relay's answer, no secrets) in err. */
static int send_letter(const mailer_t *m, const letter_t *l, char *err, size_t errlen)
{
    dft_buf_t msg = {0};
    message_build(m, l, &msg);
    reader_t reader = {&msg, 0};
    char from[300], to[300];
    snprintf(from, sizeof(from), "<%s>", m->from);
    snprintf(to, sizeof(to), "<%s>", l->email);
    CURL *curl = curl_easy_init();
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    int rc = -1;
    if (curl == NULL || rcpt == NULL) {
        snprintf(err, errlen, "cannot start an SMTP client");
        goto out;
    }
    curl_easy_setopt(curl, CURLOPT_URL, m->url);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 120000L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    if (*m->user) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, m->user);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, m->password);
    }
    CURLcode cc = curl_easy_perform(curl);
    if (cc == CURLE_OK) {
        rc = 0;
    } else {
        long code = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
        snprintf(err, errlen, "%s (SMTP %ld)", curl_easy_strerror(cc), code);
    }
out:
    curl_slist_free_all(rcpt);
    if (curl != NULL)
        curl_easy_cleanup(curl);
    dft_buf_dispose(&msg);
    return rc;
}

/* ----------------------------------------------------------- database */

static const char setup[] =
    "SELECT set_config('role', $1, true), set_config('daftar.officer_uid', 'mailer', true),"
    " set_config('daftar.client_addr', '', true), set_config('daftar.request_id', 'mailer', true),"
    " set_config('daftar.roles', ',', true), set_config('daftar.clearance', '3', true),"
    " set_config('daftar.otp', 'f', true), set_config('daftar.trusted', 'f', true), set_config('daftar.dept', $2, true)";

static int ok(PGresult *res, ExecStatusType want)
{
    int good = PQresultStatus(res) == want;
    PQclear(res);
    return good;
}

/* BEGIN and the department's role and settings; 0, or -1. */
static int begin_as(PGconn *c, const char *role, const char *code)
{
    const char *params[] = {role, code};
    return ok(PQexec(c, "BEGIN"), PGRES_COMMAND_OK) &&
                   ok(PQexecParams(c, setup, 2, NULL, params, NULL, NULL, 0), PGRES_TUPLES_OK)
               ? 0
               : -1;
}

static char *field(const PGresult *res, int col)
{
    return dft_strndup(PQgetvalue(res, 0, col), (size_t)PQgetlength(res, 0, col));
}

/* Claims a letter of the department into l: 1, 0 when none is due, -1 when the database failed. */
static int claim(PGconn *c, const char *role, const char *code, const char *schema, letter_t *l)
{
    if (begin_as(c, role, code) != 0)
        return -1;
    dft_buf_t q = {0};
    dft_buf_printf(&q, "SELECT id::text, email, name, dispatch_number, subject, body, filename, content FROM %s.mail_claim()",
                   schema);
    PGresult *res = PQexecParams(c, q.data, 0, NULL, NULL, NULL, NULL, 1); /* binary: text as its bytes */
    dft_buf_dispose(&q);
    int rc = -1;
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQnfields(res) == 8) {
        rc = PQntuples(res) == 1 && PQgetlength(res, 0, 0) == 36;
        if (rc == 1) {
            memcpy(l->id, PQgetvalue(res, 0, 0), 36);
            l->email = field(res, 1);
            l->name = field(res, 2);
            l->number = field(res, 3);
            l->subject = field(res, 4);
            l->body = field(res, 5);
            l->filename = field(res, 6);
            l->content_len = (size_t)PQgetlength(res, 0, 7);
            l->content = dft_malloc(l->content_len + 1);
            memcpy(l->content, PQgetvalue(res, 0, 7), l->content_len);
        }
    } else {
        dft_log(DFT_LOG_ERROR, "mailer", "%s: claiming a letter failed: %s", code, PQresultErrorMessage(res));
    }
    PQclear(res);
    if (!ok(PQexec(c, rc >= 0 ? "COMMIT" : "ROLLBACK"), PGRES_COMMAND_OK))
        rc = -1;
    if (rc != 1)
        letter_dispose(l);
    return rc;
}

static int record(PGconn *c, const char *role, const char *code, const char *schema, const char *id, const char *error)
{
    if (begin_as(c, role, code) != 0)
        return -1;
    dft_buf_t q = {0};
    dft_buf_printf(&q, "SELECT %s.mail_done($1::uuid, $2)", schema);
    const char *params[] = {id, error};
    int good = ok(PQexecParams(c, q.data, 2, NULL, params, NULL, NULL, 0), PGRES_TUPLES_OK);
    dft_buf_dispose(&q);
    return ok(PQexec(c, good ? "COMMIT" : "ROLLBACK"), PGRES_COMMAND_OK) && good ? 0 : -1;
}

/* Sends the department's due letters; -1 when the connection failed. */
static int send_department(const mailer_t *m, PGconn *c, const char *code)
{
    char role[64];
    snprintf(role, sizeof(role), "dept_%s", code);
    char *schema = PQescapeIdentifier(c, role, strlen(role));
    int rc = 0;
    for (int i = 0; i < PER_SCAN && rc == 0; ++i) {
        letter_t l = {0};
        int got = claim(c, role, code, schema, &l);
        if (got <= 0) {
            rc = got < 0 && PQstatus(c) != CONNECTION_OK ? -1 : 0;
            break;
        }
        char err[300] = "";
        if (send_letter(m, &l, err, sizeof(err)) == 0) {
            __atomic_add_fetch(&sent_total, 1, __ATOMIC_RELAXED);
            rc = record(c, role, code, schema, l.id, NULL);
        } else {
            __atomic_add_fetch(&failed_total, 1, __ATOMIC_RELAXED);
            dft_log(DFT_LOG_WARN, "mailer", "%s: letter %s not sent: %s", code, l.number, err);
            rc = record(c, role, code, schema, l.id, err);
        }
        letter_dispose(&l);
        if (rc != 0 && PQstatus(c) == CONNECTION_OK)
            rc = 0; /* this letter's record failed; its lease runs out and it is tried again */
    }
    PQfreemem(schema);
    return rc;
}

static int scan(const mailer_t *m, PGconn *c)
{
    PGresult *res = PQexec(c, "SELECT * FROM daftar.mail_due_departments()");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        dft_log(DFT_LOG_WARN, "mailer", "scan failed: %s", PQresultErrorMessage(res));
        PQclear(res);
        return PQstatus(c) == CONNECTION_OK ? 0 : -1;
    }
    int rc = 0;
    for (int i = 0; i < PQntuples(res) && rc == 0; ++i)
        rc = send_department(m, c, PQgetvalue(res, i, 0));
    PQclear(res);
    return rc;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *run(void *arg)
{
    mailer_t *m = arg;
    PGconn *c = NULL;
    int warned = 0;
    for (;;) {
        if (c == NULL) /* a timeout on every statement; woken by issues (NOTIFY daftar_mail) */
            c = dft_db_connect_blocking(m->dsn, "daftar-mailer", "-c statement_timeout=60000", "daftar_mail");
        if (c == NULL) {
            if (!warned)
                dft_log(DFT_LOG_WARN, "mailer", "cannot connect to the database; retrying");
            warned = 1;
            struct timespec ts = {5, 0};
            nanosleep(&ts, NULL);
            continue;
        }
        warned = 0;
        PGnotify *n;
        while ((n = PQnotifies(c)) != NULL) /* what a scan now covers */
            PQfreemem(n);
        if (scan(m, c) != 0)
            goto broken;
        int64_t until = now_ms() + m->rescan_ms, wait;
        while ((wait = until - now_ms()) > 0) { /* until the rescan, or an issue's NOTIFY */
            struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};
            if (p.fd < 0 || (poll(&p, 1, (int)wait) > 0 && PQconsumeInput(c) == 0))
                goto broken;
            if ((n = PQnotifies(c)) != NULL) {
                PQfreemem(n);
                break;
            }
        }
        if (PQstatus(c) == CONNECTION_OK)
            continue;
    broken:
        dft_log(DFT_LOG_WARN, "mailer", "lost the database connection; reconnecting");
        PQfinish(c);
        c = NULL;
    }
    return NULL;
}

int dft_dispatch_mailer_start(dft_server_t *server)
{
    const dft_config_t *cf = server->config;
    if (*cf->smtp_url == '\0')
        return 0;
    if (strncmp(cf->smtp_url, "smtp://", 7) != 0 && strncmp(cf->smtp_url, "smtps://", 8) != 0) {
        dft_log(DFT_LOG_ERROR, "config", "smtp_url: smtp://host:port or smtps://host:port");
        return -1;
    }
    const char *at = strchr(cf->mail_from, '@');
    if (at == NULL || at == cf->mail_from || at[1] == '\0' || strlen(cf->mail_from) > 254 ||
        strcspn(cf->mail_from, " \t\r\n\"<>,;()[]\\") != strlen(cf->mail_from)) {
        dft_log(DFT_LOG_ERROR, "config", "mail_from: the address letters are sent from (name@domain) is needed with smtp_url");
        return -1;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        dft_log(DFT_LOG_ERROR, "mailer", "cannot start libcurl");
        return -1;
    }
    mailer_t *m = dft_calloc(1, sizeof(*m));
    m->dsn = dft_strdup(cf->db_dsn);
    m->url = dft_strdup(cf->smtp_url);
    m->user = dft_strdup(cf->smtp_user);
    m->password = dft_strdup(cf->smtp_password);
    m->from = dft_strdup(cf->mail_from);
    m->rescan_ms = cf->mail_rescan_ms;
    int rc = dft_thread_start_detached(run, m);
    if (rc != 0) {
        dft_log(DFT_LOG_ERROR, "mailer", "cannot start the mailer thread");
        return -1;
    }
    dft_metrics_add_source(render_metrics);
    return 0;
}
