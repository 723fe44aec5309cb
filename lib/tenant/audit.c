/*
 * audit.c — anchoring and verifying the departments' audit chains (blocking
 * libpq: the CLI on the migration role's connection, and each server's
 * timers thread on its own connection, never an event loop).
 *
 * Each department's audit_events form one hash chain per family
 * (sql/dept/functions/audit.sql, audit_chain.sql: 'efile', 'dispatch'):
 * hash = sha256(prev_hash || canonical text). Whoever may write every row
 * could rebuild a consistent chain, or delete the newest events, so each
 * chain's head is anchored: a checkpoint records (dept, chain, seq, hash) with
 * an HMAC-SHA256 under a key derived from master_key, which the database never
 * holds. The checkpoint goes to daftar.audit_checkpoints
 * (daftar.audit_checkpoint_add, which the server's role may call) and out of
 * the database as one line, "checkpoint NAME seq=N hash=H mac=M", printed by
 * the CLI or logged by the server: a superuser who deletes the newest events
 * and their checkpoints in the catalog is still caught by the lines kept
 * outside (verify --anchors). NAME is CODE for the chain 'efile' (the
 * department's one chain before dept 0021, whose anchors and lines keep
 * verifying as they were made) and CODE/CHAIN for the others; the MAC is over
 * "NAME|seq|hash".
 *
 * The statewide scopes' audit trails (state_NAME.audit: e-HRMS, APAR,
 * training) are one chain each (sql/scoped/functions/audit_append.sql,
 * hash = sha256(prev_hash || seq|at|actor|dept|action|subject|request_id|
 * client_addr|detail)), anchored and verified the same way under the name
 * state:NAME (catalog 0030: audit_checkpoints.scope). `--dept state:NAME`
 * selects one.
 *
 * Verification recomputes each event's hash in SQL, walks the links and the
 * sequence in C, and requires every checkpoint whose MAC verifies, from the
 * catalog or from the anchors file, to name an event that still has its hash;
 * a checkpoint past the last event means the newest events were deleted.
 * What it does not do: prove that events were never written at all (a write
 * that skipped audit()), or see events deleted after the newest anchor.
 */
#include "tenant.h"

#include "../auth/crypto.h"
#include "../core/core.h"
#include "../core/log.h"

#include <errno.h>
#include <stdarg.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define SCOPE_PREFIX "state:" /* a statewide scope's name in anchors and --dept: state:NAME, schema state_NAME */

static int is_scope(const char *code)
{
    return strncmp(code, SCOPE_PREFIX, sizeof(SCOPE_PREFIX) - 1) == 0;
}

/* The name of department code's chain in anchors: CODE for e-File's (the one chain of old), else CODE/CHAIN;
 * a scope's one chain is state:NAME. */
static void chain_name(const char *code, const char *chain, char out[64])
{
    if (strcmp(chain, "efile") == 0 || is_scope(code))
        snprintf(out, 64, "%s", code);
    else
        snprintf(out, 64, "%s/%s", code, chain);
}

static void checkpoint_mac(const unsigned char master[32], const char *name, const char *seq, const char *hash,
                           char out[65])
{
    unsigned char key[32], mac[32];
    unsigned int len = 0;
    static const char label[] = "daftar audit checkpoint v1";
    HMAC(EVP_sha256(), master, 32, (const unsigned char *)label, sizeof(label) - 1, key, &len);
    dft_buf_t msg = {0};
    dft_buf_printf(&msg, "%s|%s|%s", name, seq, hash);
    HMAC(EVP_sha256(), key, 32, (const unsigned char *)msg.data, msg.len, mac, &len);
    for (int i = 0; i < 32; ++i)
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
    dft_wipe(key, sizeof(key));
    dft_buf_dispose(&msg);
}

/* The departments and statewide scopes (state:NAME) to work on: one, or all. NULL (message printed) on error. */
static PGresult *departments(PGconn *c, const char *dept, FILE *out)
{
    const char *params[] = {dept};
    PGresult *res = PQexecParams(c,
                                 "SELECT code FROM (SELECT code FROM daftar.departments UNION ALL"
                                 " SELECT '" SCOPE_PREFIX "' || substr(nspname, 7) FROM pg_namespace"
                                 " WHERE nspname LIKE 'state\\_%' AND to_regclass(quote_ident(nspname) || '.audit') IS NOT NULL) x"
                                 " WHERE $1::text IS NULL OR code = $1 ORDER BY code LIKE '" SCOPE_PREFIX "%', code",
                                 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || (dept != NULL && PQntuples(res) == 0)) {
        fprintf(out, "daftar: %s\n", dept != NULL && PQresultStatus(res) == PGRES_TUPLES_OK
                                         ? "no such department or scope"
                                         : PQerrorMessage(c));
        PQclear(res);
        return NULL;
    }
    return res;
}

/* fmt with the schema of a department (dept_CODE) or scope (state:NAME: state_NAME) in each %s. */
static char *schema_sql(PGconn *c, const char *fmt, const char *code)
{
    char ident[64];
    if (is_scope(code))
        snprintf(ident, sizeof(ident), "state_%s", code + sizeof(SCOPE_PREFIX) - 1);
    else
        snprintf(ident, sizeof(ident), "dept_%s", code);
    char *q = PQescapeIdentifier(c, ident, strlen(ident));
    dft_buf_t b = {0};
    dft_buf_printf(&b, fmt, q, q);
    PQfreemem(q);
    return b.data;
}

/* A line for the operator: printed (CLI) or logged (server, out == NULL) at level. */
__attribute__((format(printf, 3, 4))) static void say(FILE *out, dft_log_level_t level, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (out != NULL)
        fprintf(out, "%s\n", line);
    else
        dft_log(level, "audit_checkpoint", "%s", line);
}

int dft_audit_checkpoint(PGconn *c, const unsigned char master[32], const char *dept, FILE *out)
{
    if (dept != NULL) {
        PGresult *d = departments(c, dept, out != NULL ? out : stderr);
        if (d == NULL)
            return -1;
        PQclear(d);
    }
    const char *params[5] = {dept};
    PGresult *heads = PQexecParams(c, "SELECT dept, chain, seq, hash, anchored FROM daftar.audit_heads($1)", 1, NULL,
                                   params, NULL, NULL, 0);
    if (PQresultStatus(heads) != PGRES_TUPLES_OK) {
        say(out, DFT_LOG_ERROR, "daftar: cannot read the chain heads: %s", PQresultErrorMessage(heads));
        PQclear(heads);
        return -1;
    }
    if (dept != NULL && PQntuples(heads) == 0)
        say(out, DFT_LOG_INFO, "%s: no events yet", dept);
    int made = 0, rc = 0;
    for (int i = 0; i < PQntuples(heads); ++i) {
        const char *code = PQgetvalue(heads, i, 0), *chain = PQgetvalue(heads, i, 1), *seq = PQgetvalue(heads, i, 2),
                   *hash = PQgetvalue(heads, i, 3), *anchored = PQgetvalue(heads, i, 4);
        char name[64];
        chain_name(code, chain, name);
        long long s = strtoll(seq, NULL, 10), a = strtoll(anchored, NULL, 10);
        if (s < a) { /* the newest events are gone: say so now, verify tells the rest */
            say(out, DFT_LOG_ERROR, "%s: the chain ends at event %lld, before its checkpoint at event %lld: "
                                    "run daftar audit verify", name, s, a);
            rc = -1;
            continue;
        }
        if (s == a) {
            if (out != NULL)
                say(out, DFT_LOG_INFO, "%s: anchored at event %lld already (no events since)", name, s);
            continue;
        }
        char mac[65];
        checkpoint_mac(master, name, seq, hash, mac);
        params[0] = code, params[1] = chain, params[2] = seq, params[3] = hash, params[4] = mac;
        PGresult *ins = PQexecParams(c, "SELECT daftar.audit_checkpoint_add($1, $2, $3, $4, $5)", 5, NULL, params, NULL,
                                     NULL, 0);
        if (PQresultStatus(ins) != PGRES_TUPLES_OK) {
            say(out, DFT_LOG_ERROR, "daftar: %s: cannot record the checkpoint: %s", name, PQresultErrorMessage(ins));
            rc = -1;
        } else if (strcmp(PQgetvalue(ins, 0, 0), "t") == 0) {
            /* the line an operator keeps outside the database: `daftar audit verify --anchors` reads it back */
            say(out, DFT_LOG_INFO, "checkpoint %s seq=%s hash=%s mac=%s", name, seq, hash, mac);
            ++made;
        } else if (out != NULL) {
            say(out, DFT_LOG_INFO, "%s: anchored meanwhile (another server, or the chain moved on)", name);
        }
        PQclear(ins);
    }
    PQclear(heads);
    return rc == 0 ? made : -1;
}

/* ---- verification ---- */

typedef struct anchor_t {
    char name[64]; /* the chain's: CODE or CODE/CHAIN (chain_name) */
    char seq[24];
    char hash[65];
    char mac[65];
    char where[96]; /* "the catalog" or "FILE:LINE" */
} anchor_t;

typedef struct anchors_t {
    anchor_t *v;
    size_t n, cap;
} anchors_t;

static anchor_t *anchors_push(anchors_t *a)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->v = dft_realloc(a->v, a->cap * sizeof(*a->v));
    }
    memset(&a->v[a->n], 0, sizeof(a->v[a->n]));
    return &a->v[a->n++];
}

/* Every "checkpoint CODE seq=N hash=H mac=M" in the file, wherever it sits in a line (the
 * CLI's output, or the server's JSON log lines). -1 (printed) when the file cannot be read. */
static int anchors_load(anchors_t *a, const char *path, FILE *out)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(out, "daftar: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t size = 0;
    long lineno = 0;
    while (getline(&line, &size, f) != -1) {
        ++lineno;
        for (char *p = strstr(line, "checkpoint "); p != NULL; p = strstr(p + 1, "checkpoint ")) {
            anchor_t x = {0};
            long long seq;
            if (sscanf(p, "checkpoint %63[a-z0-9_/:] seq=%lld hash=%64[0-9a-f] mac=%64[0-9a-f]", x.name, &seq, x.hash,
                       x.mac) != 4 ||
                seq < 1 || strlen(x.hash) != 64 || strlen(x.mac) != 64)
                continue;
            snprintf(x.seq, sizeof(x.seq), "%lld", seq);
            snprintf(x.where, sizeof(x.where), "%.60s:%ld", path, lineno);
            *anchors_push(a) = x;
        }
    }
    free(line);
    fclose(f);
    if (a->n == 0) {
        fprintf(out, "daftar: %s holds no checkpoint lines\n", path);
        return -1;
    }
    return 0;
}

/* Verifies one chain, named name in anchors, whose events are the rows of ev (chain, seq, prev_hash,
 * hash, hash right) with chain = chain, against the anchors of all that name it; the number of
 * problems (printed). */
static int verify_chain(const unsigned char master[32], const char *name, const char *chain, PGresult *ev,
                        const anchors_t *all, FILE *out)
{
    int problems = 0, n = 0, *row = dft_calloc((size_t)PQntuples(ev) + 1, sizeof(int)); /* the chain's rows */
    for (int i = 0; i < PQntuples(ev); ++i)
        if (strcmp(PQgetvalue(ev, i, 0), chain) == 0)
            row[n++] = i;
    const char *prev = NULL;
    for (int i = 0; i < n && problems < 10; ++i) {
        long long seq = strtoll(PQgetvalue(ev, row[i], 1), NULL, 10);
        if (seq != i + 1) {
            fprintf(out, "%s: event %lld is missing (the chain jumps to %lld)\n", name, (long long)i + 1, seq);
            ++problems;
            break;
        }
        if (strcmp(PQgetvalue(ev, row[i], 4), "t") != 0) {
            fprintf(out, "%s: event %lld was changed (its hash does not match its content)\n", name, seq);
            ++problems;
        }
        if (strcmp(PQgetvalue(ev, row[i], 2), prev ? prev : "0000000000000000000000000000000000000000000000000000000000000000") != 0) {
            fprintf(out, "%s: event %lld does not follow event %lld (broken link)\n", name, seq, seq - 1);
            ++problems;
        }
        prev = PQgetvalue(ev, row[i], 3);
    }
    int anchored = 0;
    for (size_t k = 0; k < all->n; ++k) {
        const anchor_t *x = &all->v[k];
        if (strcmp(x->name, name) != 0)
            continue;
        char want[65];
        checkpoint_mac(master, name, x->seq, x->hash, want);
        if (strlen(x->mac) != 64 || CRYPTO_memcmp(want, x->mac, 64) != 0) {
            fprintf(out, "%s: checkpoint at event %s in %s is not genuine (its MAC does not verify)\n", name, x->seq,
                    x->where);
            ++problems;
            continue;
        }
        long long s = strtoll(x->seq, NULL, 10);
        if (s > n) {
            fprintf(out, "%s: events %lld to %s were deleted (a checkpoint in %s names event %s; the chain ends at %d)\n",
                    name, (long long)n + 1, x->seq, x->where, x->seq, n);
            ++problems;
        } else if (s >= 1 && strcmp(PQgetvalue(ev, row[s - 1], 3), x->hash) != 0) {
            fprintf(out, "%s: event %s differs from its checkpoint in %s (the chain was rewritten)\n", name, x->seq,
                    x->where);
            ++problems;
        } else {
            ++anchored;
        }
    }
    if (problems == 0)
        fprintf(out, "%s: %d events, chain intact, %d checkpoints match\n", name, n, anchored);
    free(row);
    return problems;
}

typedef struct chains_t {
    char (*v)[33];
    size_t n, cap;
} chains_t;

static void chains_add(chains_t *ch, const char *chain)
{
    if (strlen(chain) > 32)
        return;
    for (size_t i = 0; i < ch->n; ++i)
        if (strcmp(ch->v[i], chain) == 0)
            return;
    if (ch->n == ch->cap) {
        ch->cap = ch->cap ? ch->cap * 2 : 8;
        ch->v = dft_realloc(ch->v, ch->cap * sizeof(*ch->v));
    }
    snprintf(ch->v[ch->n++], sizeof(*ch->v), "%s", chain);
}

static int chains_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Verifies each chain of one department (one per family: those with events, and those an anchor
 * names, whose events may all be gone), or a scope's one chain 'audit', against its anchors (the
 * catalog's and those of the file); the number of problems (printed). The chains from c (the department's
 * cluster), their checkpoints from cat (main's catalog). */
static int verify_dept(PGconn *c, PGconn *cat, const unsigned char master[32], const char *code, const anchors_t *outside,
                       FILE *out)
{
    int scope = is_scope(code);
    /* each event with its hash recomputed as audit() (a department's) or audit_append() (a scope's) computes it */
    char *sql = schema_sql(c,
                           scope ? "SELECT 'audit', seq, prev_hash, hash, encode(sha256(convert_to(prev_hash || concat_ws('|',"
                                   " seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), actor, dept,"
                                   " action, subject, request_id, client_addr, coalesce(detail::text, '')), 'UTF8')), 'hex')"
                                   " = hash FROM %s.audit ORDER BY seq"
                                 : "SELECT chain, seq, prev_hash, hash, encode(sha256(convert_to(prev_hash || concat_ws('|', seq,"
                                   " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), uid, action,"
                                   " coalesce(object_id::text, ''), client, request_id, detail::text), 'UTF8')), 'hex') = hash"
                                   " FROM %s.audit_events ORDER BY chain COLLATE \"C\", seq",
                           code);
    PGresult *ev = PQexec(c, sql);
    free(sql);
    const char *params[] = {scope ? code + sizeof(SCOPE_PREFIX) - 1 : code};
    PGresult *cp = PQexecParams(cat,
                                scope ? "SELECT chain, seq::text, hash, mac FROM daftar.audit_checkpoints WHERE scope = $1"
                                        " ORDER BY chain, seq"
                                      : "SELECT chain, seq::text, hash, mac FROM daftar.audit_checkpoints WHERE dept = $1"
                                        " ORDER BY chain, seq",
                                1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(ev) != PGRES_TUPLES_OK || PQresultStatus(cp) != PGRES_TUPLES_OK) {
        fprintf(out, "%s: cannot read: %s%s", code, PQerrorMessage(c), c != cat ? PQerrorMessage(cat) : "");
        PQclear(ev);
        PQclear(cp);
        return 1;
    }
    chains_t chains = {0};
    chains_add(&chains, scope ? "audit" : "efile"); /* the department's chain of old, a scope's: a line even with no events */
    for (int i = 0; i < PQntuples(ev); ++i)
        chains_add(&chains, PQgetvalue(ev, i, 0));
    anchors_t all = {0};
    for (int k = 0; k < PQntuples(cp); ++k) {
        anchor_t *x = anchors_push(&all);
        chains_add(&chains, PQgetvalue(cp, k, 0));
        chain_name(code, PQgetvalue(cp, k, 0), x->name);
        snprintf(x->seq, sizeof(x->seq), "%s", PQgetvalue(cp, k, 1));
        snprintf(x->hash, sizeof(x->hash), "%s", PQgetvalue(cp, k, 2));
        snprintf(x->mac, sizeof(x->mac), "%s", PQgetvalue(cp, k, 3));
        snprintf(x->where, sizeof(x->where), "the catalog");
    }
    size_t len = strlen(code);
    for (size_t k = 0; outside != NULL && k < outside->n; ++k) {
        const char *name = outside->v[k].name;
        if (strncmp(name, code, len) != 0 || (name[len] != '\0' && name[len] != '/'))
            continue;
        if (scope && name[len] != '\0')
            continue; /* a scope has one chain, named state:NAME */
        chains_add(&chains, name[len] == '/' ? name + len + 1 : scope ? "audit" : "efile");
        *anchors_push(&all) = outside->v[k];
    }
    qsort(chains.v, chains.n, sizeof(*chains.v), chains_cmp);
    int problems = 0;
    for (size_t i = 0; i < chains.n; ++i) {
        char name[64];
        chain_name(code, chains.v[i], name);
        problems += verify_chain(master, name, chains.v[i], ev, &all, out);
    }
    free(chains.v);
    free(all.v);
    PQclear(ev);
    PQclear(cp);
    return problems;
}

int dft_audit_verify(PGconn *c, const unsigned char master[32], const char *dept, const char *anchors_path, FILE *out)
{
    anchors_t outside = {0};
    if (anchors_path != NULL && anchors_load(&outside, anchors_path, out) != 0) {
        free(outside.v);
        return -1;
    }
    PGresult *depts = departments(c, dept, out);
    if (depts == NULL) {
        free(outside.v);
        return -1;
    }
    int problems = 0;
    PGresult *tx = PQexec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); /* one snapshot for chain and anchors */
    PQclear(tx);
    for (int i = 0; i < PQntuples(depts); ++i)
        problems += verify_dept(c, c, master, PQgetvalue(depts, i, 0), anchors_path != NULL ? &outside : NULL, out);
    PQclear(PQexec(c, "COMMIT"));
    PQclear(depts);
    free(outside.v);
    return problems == 0 ? 0 : -1;
}

/* One line of an export: the members the hash covers, as text. NULL when one is missing. */
static const char *export_member(json_t *o, const char *name)
{
    return json_string_value(json_object_get(o, name));
}

int dft_audit_verify_export(const char *path, FILE *out)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(out, "daftar: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    static const char zeros[] = "0000000000000000000000000000000000000000000000000000000000000000";
    char *line = NULL, prev_hash[65] = "", chain[40] = "";
    size_t cap = 0;
    long long prev_seq = 0, first = 0, count = 0, lineno = 0, chains = 0;
    dft_buf_t seen = {0}; /* "|chain|chain|": the chains already ended, which may not come again */
    int problems = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) >= 0 && problems < 10) {
        ++lineno;
        if (got <= 1)
            continue;
        json_t *o = json_loads(line, 0, NULL);
        json_t *seqv = json_object_get(o, "seq");
        const char *at = export_member(o, "at"), *uid = export_member(o, "uid"), *action = export_member(o, "action"),
                   *object = export_member(o, "object_id"), *client = export_member(o, "client"),
                   *rid = export_member(o, "request_id"), *detail = export_member(o, "detail"),
                   *prev = export_member(o, "prev_hash"), *hash = export_member(o, "hash");
        if (!json_is_integer(seqv) || !at || !uid || !action || !object || !client || !rid || !detail || !prev ||
            !hash || strlen(prev) != 64 || strlen(hash) != 64) {
            fprintf(out, "%s:%lld: not an audit event of an export\n", path, lineno);
            json_decref(o);
            ++problems;
            break;
        }
        long long seq = json_integer_value(seqv);
        const char *ch = export_member(o, "chain");
        if (ch == NULL)
            ch = "efile"; /* an export from before chains */
        if (count == 0 || strcmp(ch, chain) != 0) { /* the first line of a chain */
            char mark[48];
            snprintf(mark, sizeof(mark), "|%s|", ch);
            if (strlen(ch) >= sizeof(chain) || (seen.data != NULL && strstr(seen.data, mark) != NULL)) {
                fprintf(out, "%s:%lld: chain %s comes twice (lines out of order)\n", path, lineno, ch);
                ++problems;
                json_decref(o);
                break;
            }
            if (count > 0)
                fprintf(out, "%s: chain %s: events %lld to %lld, intact so far; last hash %s\n", path, chain, first,
                        prev_seq, prev_hash);
            dft_buf_printf(&seen, "|%s|", ch);
            snprintf(chain, sizeof(chain), "%s", ch);
            ++chains;
            count = 0;
        }
        if (count == 0) {
            first = seq;
            if (seq == 1 && strcmp(prev, zeros) != 0) {
                fprintf(out, "%s: event 1 does not start the chain\n", path);
                ++problems;
            }
        } else if (seq != prev_seq + 1) {
            fprintf(out, "%s: event %lld is missing (event %lld follows event %lld)\n", path, prev_seq + 1, seq, prev_seq);
            ++problems;
        } else if (strcmp(prev, prev_hash) != 0) {
            fprintf(out, "%s: event %lld does not follow event %lld (broken link)\n", path, seq, prev_seq);
            ++problems;
        }
        /* as audit() computes it: sha256(prev_hash || concat_ws('|', seq, at, uid, action, object, client,
         * request id, detail)) */
        dft_buf_t b = {0};
        dft_buf_printf(&b, "%s%lld|%s|%s|%s|%s|%s|%s|%s", prev, seq, at, uid, action, object, client, rid, detail);
        unsigned char md[SHA256_DIGEST_LENGTH];
        SHA256((const unsigned char *)b.data, b.len, md);
        dft_buf_dispose(&b);
        char hex[65];
        for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i)
            snprintf(hex + 2 * i, 3, "%02x", md[i]);
        if (strcmp(hex, hash) != 0) {
            fprintf(out, "%s: event %lld was changed (its hash does not match its content)\n", path, seq);
            ++problems;
        }
        snprintf(prev_hash, sizeof(prev_hash), "%s", hash);
        prev_seq = seq;
        ++count;
        json_decref(o);
    }
    free(line);
    fclose(f);
    dft_buf_dispose(&seen);
    if (problems == 0 && count == 0) {
        fprintf(out, "%s: no audit events\n", path);
        return -1;
    }
    if (problems == 0)
        fprintf(out, "%s: chain %s: events %lld to %lld, chain intact; last hash %s (compare with a checkpoint line);"
                     " %lld chain(s)\n",
                path, chain, first, prev_seq, prev_hash, chains);
    return problems == 0 ? 0 : -1;
}

int dft_audit_verify_copy(PGconn *c, PGconn *catalog, const unsigned char master[32], const char *dept, FILE *out)
{
    return verify_dept(c, catalog, master, dept, NULL, out) == 0 ? 0 : -1;
}
