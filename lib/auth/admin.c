/*
 * admin.c — officers and signing keys, for the CLI (blocking libpq; never on
 * an event loop). Every change that must reach running servers ends with a
 * NOTIFY in the same transaction: daftar_revocations when an officer's
 * existing tokens must stop working, daftar_keys when the key ring changes.
 */
#include "auth.h"

#include "../core/core.h"
#include "../tenant/tenant.h"
#include "crypto.h"
#include "uid.h"

#include <stdlib.h>
#include <string.h>

static int q(PGconn *c, const char *sql, int n, const char *const *params, FILE *out, const char *what, PGresult **keep)
{
    PGresult *res = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(res);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        fprintf(out, "daftar: %s failed: %s", what, PQerrorMessage(c));
        PQclear(res);
        return -1;
    }
    if (keep != NULL)
        *keep = res;
    else
        PQclear(res);
    return 0;
}

static int tx(PGconn *c, const char *cmd, FILE *out)
{
    return q(c, cmd, 0, NULL, out, cmd, NULL);
}

void dft_roles_print(FILE *out)
{
    for (unsigned i = 0; dft_role_name(i) != NULL; ++i)
        fprintf(out, "%s%s", i ? ", " : "", dft_role_name(i));
}

/* "a,b" -> "{a,b}" after checking each name; NULL (message printed) when a role is unknown. */
static char *roles_array(const char *roles, FILE *out)
{
    if (roles == NULL || roles[0] == '\0') {
        fputs("daftar: --role is required (", out);
        dft_roles_print(out);
        fputs("; comma-separated)\n", out);
        return NULL;
    }
    dft_buf_t b = {0};
    dft_buf_puts(&b, "{");
    const char *p = roles;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (dft_role_bit(p, len) == 0) {
            fprintf(out, "daftar: unknown role '%.*s'\n", (int)len, p);
            dft_buf_dispose(&b);
            return NULL;
        }
        if (b.len > 1)
            dft_buf_puts(&b, ",");
        dft_buf_append(&b, p, len);
        p += len + (end ? 1 : 0);
    }
    dft_buf_puts(&b, "}");
    return b.data;
}

static int uid_arg(const char *uid, FILE *out)
{
    if (uid == NULL || !dft_uid_valid(uid, strlen(uid))) {
        fprintf(out, "daftar: not a valid UID (11 digits with a check digit)\n");
        return -1;
    }
    return 0;
}

int dft_officer_add(PGconn *c, const char *dept, const char *name, const char *designation, const char *roles,
                    const char *clearance, const char *password, FILE *out)
{
    if (dept == NULL || name == NULL || name[0] == '\0') {
        fprintf(out, "daftar: --dept and --name are required\n");
        return -1;
    }
    char *arr = roles_array(roles, out);
    if (arr == NULL)
        return -1;
    char temp[13], uid[DFT_UID_LEN + 1];
    dft_buf_t hash = {0};
    const char *pw = password;
    if (pw == NULL) {
        dft_password_temporary(temp);
        pw = temp;
    }
    PGresult *res = NULL;
    int rc = -1;
    if (dft_password_hash(pw, strlen(pw), &hash) != 0 || tx(c, "BEGIN", out) != 0)
        goto done;
    if (q(c, "SELECT nextval('daftar.officer_serial')", 0, NULL, out, "allocating a UID", &res) != 0)
        goto rollback;
    dft_uid_format((uint64_t)strtoull(PQgetvalue(res, 0, 0), NULL, 10), uid);
    PQclear(res);
    const char *p1[] = {uid, name, dept, clearance ? clearance : "restricted"};
    const char *p2[] = {uid, hash.data, password != NULL ? "false" : "true"};
    const char *p3[] = {uid, dept, arr, designation ? designation : ""};
    if (q(c, "INSERT INTO daftar.officers (uid, name, home_dept, clearance) VALUES ($1, $2, $3, $4)", 4, p1, out,
          "adding the officer", NULL) != 0 ||
        q(c, "INSERT INTO daftar.credentials (uid, password_hash, must_change) VALUES ($1, $2, $3::boolean)", 3, p2, out,
          "storing the password", NULL) != 0 ||
        q(c, "INSERT INTO daftar.memberships (uid, dept, roles, designation) VALUES ($1, $2, $3::text[], $4)", 4, p3, out,
          "adding the membership", NULL) != 0 ||
        tx(c, "COMMIT", out) != 0)
        goto rollback;
    fprintf(out, "uid: %s\n", uid);
    if (password == NULL)
        fprintf(out, "temporary password: %s\n(to be changed at first login)\n", temp);
    rc = 0;
    goto done;
rollback:
    tx(c, "ROLLBACK", out);
done:
    dft_wipe(temp, sizeof(temp));
    if (hash.data)
        dft_wipe(hash.data, hash.len);
    dft_buf_dispose(&hash);
    free(arr);
    return rc;
}

int dft_officer_grant(PGconn *c, const char *uid, const char *dept, const char *roles, const char *designation, FILE *out)
{
    if (uid_arg(uid, out) != 0)
        return -1;
    char *arr = roles_array(roles, out);
    if (arr == NULL)
        return -1;
    const char *p[] = {uid, dept, arr, designation ? designation : ""};
    /* takes effect on the officer's next request: servers read memberships from the
     * catalog and forget them on the NOTIFY a trigger sends (the officer_sessions catalog migration) */
    int rc = q(c,
               "INSERT INTO daftar.memberships (uid, dept, roles, designation) VALUES ($1, $2, $3::text[], $4) "
               "ON CONFLICT (uid, dept) DO UPDATE SET roles = excluded.roles, designation = excluded.designation",
               4, p, out, "granting", NULL);
    if (rc == 0)
        fprintf(out, "granted %s in %s to %s\n", roles, dept, uid);
    free(arr);
    return rc;
}

/* Runs `change` (one statement on $1 = uid that must touch a row), revokes the
 * officer's tokens and refresh tokens, records the security event `event`
 * (when not NULL: the officer sees it on GET /v1/me, by the operator) and
 * notifies servers, in one transaction. */
static int change_and_revoke(PGconn *c, const char *uid, const char *change, int nparams, const char *const *params,
                             const char *event, FILE *out, const char *what)
{
    const char *p[] = {uid}, *pe[] = {uid, event};
    PGresult *res = NULL;
    if (tx(c, "BEGIN", out) != 0)
        return -1;
    if (q(c, change, nparams, params, out, what, &res) != 0)
        goto rollback;
    if (strcmp(PQcmdTuples(res), "0") == 0) {
        fprintf(out, "daftar: nothing to change for %s\n", uid);
        PQclear(res);
        goto rollback;
    }
    PQclear(res);
    if (q(c, "UPDATE daftar.officers SET token_generation = token_generation + 1, generation_changed_at = now(), updated_at = now() WHERE uid = $1", 1, p, out,
          "revoking tokens", NULL) != 0 ||
        q(c, "UPDATE daftar.refresh_tokens SET revoked_at = now() WHERE uid = $1 AND revoked_at IS NULL", 1, p, out,
          "revoking refresh tokens", NULL) != 0 ||
        (event != NULL &&
         q(c, "INSERT INTO daftar.security_events (uid, kind) VALUES ($1, $2)", 2, pe, out, "recording the event", NULL) != 0) ||
        q(c, "SELECT pg_notify('daftar_revocations', $1)", 1, p, out, "notifying", NULL) != 0 || tx(c, "COMMIT", out) != 0)
        goto rollback;
    return 0;
rollback:
    tx(c, "ROLLBACK", out);
    return -1;
}

int dft_officer_revoke(PGconn *c, const char *uid, const char *dept, FILE *out)
{
    if (uid_arg(uid, out) != 0)
        return -1;
    const char *p[] = {uid, dept};
    PGresult *res = NULL;
    if (q(c, "DELETE FROM daftar.memberships WHERE uid = $1 AND dept = $2", 2, p, out, "revoking", &res) != 0)
        return -1;
    int none = strcmp(PQcmdTuples(res), "0") == 0;
    PQclear(res);
    if (none) {
        fprintf(out, "daftar: nothing to change for %s\n", uid);
        return -1;
    }
    fprintf(out, "revoked %s's membership in %s\n", uid, dept);
    return 0;
}

int dft_officer_suspend(PGconn *c, const char *uid, FILE *out)
{
    if (uid_arg(uid, out) != 0)
        return -1;
    const char *p[] = {uid};
    if (change_and_revoke(c, uid, "UPDATE daftar.officers SET status = 'suspended' WHERE uid = $1", 1, p, NULL, out,
                          "suspending") != 0)
        return -1;
    fprintf(out, "suspended %s: every token of this officer is refused from now on\n", uid);
    return 0;
}

int dft_officer_reset_password(PGconn *c, const char *uid, FILE *out)
{
    if (uid_arg(uid, out) != 0)
        return -1;
    char temp[13];
    dft_buf_t hash = {0};
    dft_password_temporary(temp);
    int rc = -1;
    if (dft_password_hash(temp, strlen(temp), &hash) == 0) {
        const char *p[] = {uid, hash.data};
        rc = change_and_revoke(c, uid,
                               "UPDATE daftar.credentials SET password_hash = $2, must_change = true, failed_count = 0, "
                               "locked_until = NULL, password_changed_at = now() WHERE uid = $1",
                               2, p, "password_reset", out, "resetting the password");
    }
    if (rc == 0)
        fprintf(out, "temporary password: %s\n(to be changed at first login)\n", temp);
    dft_wipe(temp, sizeof(temp));
    dft_buf_dispose(&hash);
    return rc;
}

/* The state's operator removes an officer's second factor: for officers no
 * department admin may reset (a dept_admin; sql/catalog/functions/totp_disable.sql). */
int dft_officer_reset_second_factor(PGconn *c, const char *uid, FILE *out)
{
    if (uid_arg(uid, out) != 0)
        return -1;
    const char *p[] = {uid};
    if (change_and_revoke(c, uid, "UPDATE daftar.credentials SET totp_enabled = false, totp_secret = NULL WHERE uid = $1", 1, p,
                          "second_factor_reset", out, "resetting the second factor") != 0)
        return -1;
    fprintf(out, "reset %s's second factor: every token of this officer is refused; the officer enrols again\n", uid);
    return 0;
}

int dft_service_add(PGconn *c, const char *dept, const char *name, const char *roles, const char *scopes, FILE *out)
{
    if (dept == NULL || name == NULL || name[0] == '\0') {
        fprintf(out, "daftar: --dept and --name are required\n");
        return -1;
    }
    char *arr = roles_array(roles, out);
    if (arr == NULL)
        return -1;
    char id[21] = "svc_", secret[48], hash[65];
    dft_random_hex(id + 4, 8);
    dft_random_token("", secret);
    dft_sha256_hex(secret, strlen(secret), hash);
    dft_buf_t sc = {0};
    dft_buf_puts(&sc, "{");
    for (const char *w = scopes ? scopes : ""; *w != '\0';) { /* known scopes only: a text[] literal */
        size_t n = strcspn(w, ",");
        if (dft_scope_bit(w, n) == 0) {
            fprintf(out, "daftar: unknown scope '%.*s' (", (int)n, w);
            for (unsigned i = 0; dft_scope_name(i) != NULL; ++i)
                fprintf(out, "%s%s", i ? ", " : "", dft_scope_name(i));
            fputs(")\n", out);
            dft_buf_dispose(&sc);
            free(arr);
            return -1;
        }
        dft_buf_printf(&sc, "%s%.*s", sc.len > 1 ? "," : "", (int)n, w);
        w += n + (w[n] == ',');
    }
    dft_buf_puts(&sc, "}");
    const char *p[] = {id, name, dept, arr, sc.data, hash};
    int rc = q(c, "INSERT INTO daftar.service_accounts (client_id, name, dept, roles, scopes, secret_hash) "
                  "VALUES ($1, $2, $3, $4::text[], $5::text[], $6)",
               6, p, out, "adding the service account", NULL);
    if (rc == 0)
        fprintf(out, "client_id: %s\nclient_secret: %s\n(shown once: store it in the calling system's secret store)\n", id,
                secret);
    dft_wipe(secret, sizeof(secret));
    dft_buf_dispose(&sc);
    free(arr);
    return rc;
}

int dft_service_suspend(PGconn *c, const char *client_id, FILE *out)
{
    const char *p[] = {client_id};
    PGresult *res = NULL;
    if (tx(c, "BEGIN", out) != 0)
        return -1;
    if (q(c, "UPDATE daftar.service_accounts SET status = 'suspended', updated_at = now() WHERE client_id = $1", 1, p, out,
          "suspending", &res) != 0 ||
        strcmp(PQcmdTuples(res), "1") != 0) {
        if (res != NULL) {
            fprintf(out, "daftar: no service account %s\n", client_id);
            PQclear(res);
        }
        tx(c, "ROLLBACK", out);
        return -1;
    }
    PQclear(res);
    if (q(c, "SELECT pg_notify('daftar_revocations', $1)", 1, p, out, "notifying", NULL) != 0 || tx(c, "COMMIT", out) != 0)
        return -1;
    fprintf(out, "suspended %s\n", client_id);
    return 0;
}

int dft_keys_rotate(PGconn *c, const unsigned char master_key[32], int64_t publish_ahead, int64_t token_ttl, FILE *out)
{
    dft_buf_t priv = {0}, pub = {0}, enc = {0};
    char kid[24], ahead[24], ttl[24];
    int rc = -1;
    if (dft_ec_keygen(&priv, &pub) != 0) {
        fprintf(out, "daftar: cannot generate a key\n");
        goto done;
    }
    dft_seal_hex(master_key, (const unsigned char *)priv.data, priv.len, &enc);
    dft_random_hex(kid, 8);
    snprintf(ahead, sizeof(ahead), "%lld", (long long)publish_ahead);
    snprintf(ttl, sizeof(ttl), "%lld", (long long)token_ttl + 2 * DFT_AUTH_SKEW);
    const char *p[] = {kid, pub.data, enc.data, ahead, ttl};
    /* The new key is published now and signs from now + publish_ahead; the key
     * it replaces signs until then and stays published until its last token expired. */
    if (tx(c, "BEGIN", out) != 0)
        goto done;
    if (q(c,
          "WITH n AS (INSERT INTO daftar.signing_keys (kid, public_pem, private_enc, signs_from) "
          "VALUES ($1, $2, $3, now() + make_interval(secs => $4::int)) RETURNING signs_from) "
          "UPDATE daftar.signing_keys k SET signs_until = n.signs_from, "
          "published_until = n.signs_from + make_interval(secs => $5::int) FROM n "
          "WHERE k.kid <> $1 AND (k.signs_until IS NULL OR k.signs_until > n.signs_from)",
          5, p, out, "storing the key", NULL) != 0 ||
        tx(c, "SELECT pg_notify('daftar_keys', 'rotated')", out) != 0 || tx(c, "COMMIT", out) != 0) {
        tx(c, "ROLLBACK", out);
        goto done;
    }
    fprintf(out, "new signing key %s: published now, signs in %lld s\n", kid, (long long)publish_ahead);
    rc = 0;
done:
    if (priv.data)
        dft_wipe(priv.data, priv.len);
    dft_buf_dispose(&priv);
    dft_buf_dispose(&pub);
    dft_buf_dispose(&enc);
    return rc;
}
