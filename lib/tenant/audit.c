/*
 * audit.c — anchoring and verifying the departments' audit chains (CLI only,
 * blocking libpq on the migration role's connection).
 *
 * Each department's audit_events form a hash chain (sql/dept/functions/audit.sql):
 * hash = sha256(prev_hash || canonical text). Whoever may write every row
 * could rebuild a consistent chain, or delete the newest events, so the chain
 * head is anchored: a checkpoint records (dept, seq, hash) with an HMAC-SHA256
 * under a key derived from master_key, which the database never holds.
 * Verification recomputes each event's hash in SQL, walks the links and the
 * sequence in C, and requires every checkpoint whose MAC verifies to name an
 * event that still has its hash; a checkpoint past the last event means the
 * newest events were deleted. What it does not do: prove that events were
 * never written at all (a write that skipped audit()).
 */
#include "tenant.h"

#include "../auth/crypto.h"
#include "../core/core.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <string.h>

static void checkpoint_mac(const unsigned char master[32], const char *dept, const char *seq, const char *hash,
                           char out[65])
{
    unsigned char key[32], mac[32];
    unsigned int len = 0;
    static const char label[] = "daftar audit checkpoint v1";
    HMAC(EVP_sha256(), master, 32, (const unsigned char *)label, sizeof(label) - 1, key, &len);
    dft_buf_t msg = {0};
    dft_buf_printf(&msg, "%s|%s|%s", dept, seq, hash);
    HMAC(EVP_sha256(), key, 32, (const unsigned char *)msg.data, msg.len, mac, &len);
    for (int i = 0; i < 32; ++i)
        snprintf(out + 2 * i, 3, "%02x", mac[i]);
    dft_wipe(key, sizeof(key));
    dft_buf_dispose(&msg);
}

/* The departments to work on: one, or all. NULL (message printed) on error. */
static PGresult *departments(PGconn *c, const char *dept, FILE *out)
{
    const char *params[] = {dept};
    PGresult *res = PQexecParams(c,
                                 "SELECT code FROM daftar.departments WHERE $1::text IS NULL OR code = $1 ORDER BY code",
                                 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || (dept != NULL && PQntuples(res) == 0)) {
        fprintf(out, "daftar: %s\n", dept != NULL && PQresultStatus(res) == PGRES_TUPLES_OK ? "no such department"
                                                                                            : PQerrorMessage(c));
        PQclear(res);
        return NULL;
    }
    return res;
}

static char *schema_sql(PGconn *c, const char *fmt, const char *code)
{
    char ident[64];
    snprintf(ident, sizeof(ident), "dept_%s", code);
    char *q = PQescapeIdentifier(c, ident, strlen(ident));
    dft_buf_t b = {0};
    dft_buf_printf(&b, fmt, q, q);
    PQfreemem(q);
    return b.data;
}

int dft_audit_checkpoint(PGconn *c, const unsigned char master[32], const char *dept, FILE *out)
{
    PGresult *depts = departments(c, dept, out);
    if (depts == NULL)
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(depts) && rc == 0; ++i) {
        const char *code = PQgetvalue(depts, i, 0);
        char *sql = schema_sql(c, "SELECT seq, hash FROM %s.audit_events ORDER BY seq DESC LIMIT 1", code);
        PGresult *head = PQexec(c, sql);
        free(sql);
        if (PQresultStatus(head) != PGRES_TUPLES_OK) {
            fprintf(out, "daftar: %s: %s", code, PQerrorMessage(c));
            rc = -1;
        } else if (PQntuples(head) == 0) {
            fprintf(out, "%s: no events yet\n", code);
        } else {
            char mac[65];
            const char *seq = PQgetvalue(head, 0, 0), *hash = PQgetvalue(head, 0, 1);
            checkpoint_mac(master, code, seq, hash, mac);
            const char *params[] = {code, seq, hash, mac};
            PGresult *ins = PQexecParams(c, "INSERT INTO daftar.audit_checkpoints (dept, seq, hash, mac) VALUES ($1, $2, $3, $4)",
                                         4, NULL, params, NULL, NULL, 0);
            if (PQresultStatus(ins) != PGRES_COMMAND_OK) {
                fprintf(out, "daftar: %s: %s", code, PQerrorMessage(c));
                rc = -1;
            } else {
                /* one line an operator can keep outside the database too */
                fprintf(out, "checkpoint %s seq=%s hash=%s mac=%s\n", code, seq, hash, mac);
            }
            PQclear(ins);
        }
        PQclear(head);
    }
    PQclear(depts);
    return rc;
}

/* Verifies one department's chain and checkpoints; the number of problems (printed). */
static int verify_dept(PGconn *c, const unsigned char master[32], const char *code, FILE *out)
{
    /* each event with its hash recomputed as audit() computes it */
    char *sql = schema_sql(c,
                           "SELECT seq, prev_hash, hash, encode(sha256(convert_to(prev_hash || concat_ws('|', seq,"
                           " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), uid, action,"
                           " coalesce(object_id::text, ''), client, request_id, detail::text), 'UTF8')), 'hex') = hash"
                           " FROM %s.audit_events ORDER BY seq",
                           code);
    PGresult *ev = PQexec(c, sql);
    free(sql);
    const char *params[] = {code};
    PGresult *cp = PQexecParams(c, "SELECT seq::text, hash, mac FROM daftar.audit_checkpoints WHERE dept = $1 ORDER BY seq",
                                1, NULL, params, NULL, NULL, 0);
    int problems = 0;
    if (PQresultStatus(ev) != PGRES_TUPLES_OK || PQresultStatus(cp) != PGRES_TUPLES_OK) {
        fprintf(out, "%s: cannot read: %s", code, PQerrorMessage(c));
        PQclear(ev);
        PQclear(cp);
        return 1;
    }
    int n = PQntuples(ev);
    const char *prev = NULL;
    for (int i = 0; i < n && problems < 10; ++i) {
        long long seq = strtoll(PQgetvalue(ev, i, 0), NULL, 10);
        if (seq != i + 1) {
            fprintf(out, "%s: event %lld is missing (the chain jumps to %lld)\n", code, (long long)i + 1, seq);
            ++problems;
            break;
        }
        if (strcmp(PQgetvalue(ev, i, 3), "t") != 0) {
            fprintf(out, "%s: event %lld was changed (its hash does not match its content)\n", code, seq);
            ++problems;
        }
        if (strcmp(PQgetvalue(ev, i, 1), prev ? prev : "0000000000000000000000000000000000000000000000000000000000000000") != 0) {
            fprintf(out, "%s: event %lld does not follow event %lld (broken link)\n", code, seq, seq - 1);
            ++problems;
        }
        prev = PQgetvalue(ev, i, 2);
    }
    int anchored = 0;
    for (int k = 0; k < PQntuples(cp); ++k) {
        const char *seq = PQgetvalue(cp, k, 0), *hash = PQgetvalue(cp, k, 1), *mac = PQgetvalue(cp, k, 2);
        char want[65];
        checkpoint_mac(master, code, seq, hash, want);
        if (strlen(mac) != 64 || CRYPTO_memcmp(want, mac, 64) != 0) {
            fprintf(out, "%s: checkpoint at event %s is not genuine (its MAC does not verify)\n", code, seq);
            ++problems;
            continue;
        }
        long long s = strtoll(seq, NULL, 10);
        if (s > n) {
            fprintf(out, "%s: events %lld to %s were deleted (a checkpoint names event %s; the chain ends at %d)\n",
                    code, (long long)n + 1, seq, seq, n);
            ++problems;
        } else if (s >= 1 && strcmp(PQgetvalue(ev, (int)s - 1, 2), hash) != 0) {
            fprintf(out, "%s: event %s differs from its checkpoint (the chain was rewritten)\n", code, seq);
            ++problems;
        } else {
            ++anchored;
        }
    }
    if (problems == 0)
        fprintf(out, "%s: %d events, chain intact, %d checkpoints match\n", code, n, anchored);
    PQclear(ev);
    PQclear(cp);
    return problems;
}

int dft_audit_verify(PGconn *c, const unsigned char master[32], const char *dept, FILE *out)
{
    PGresult *depts = departments(c, dept, out);
    if (depts == NULL)
        return -1;
    int problems = 0;
    PGresult *tx = PQexec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); /* one snapshot for chain and anchors */
    PQclear(tx);
    for (int i = 0; i < PQntuples(depts); ++i)
        problems += verify_dept(c, master, PQgetvalue(depts, i, 0), out);
    PQclear(PQexec(c, "COMMIT"));
    PQclear(depts);
    return problems == 0 ? 0 : -1;
}
