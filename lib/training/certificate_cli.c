/*
 * certificate_cli.c — `daftar certificate verify FILE`: the check of POST
 * /v1/certificates/verify for an operator holding a certificate as a file
 * (a QR code's text, a downloaded copy), run with the owner's connection:
 * the key its header names (published or retired: certificate_key), the
 * ES256 signature and issuer (auth's document check, the route's), then the
 * facts (certificate_check: the completion exists, matches, is neither
 * revoked nor expired). Prints the route's answer; the exit status says it.
 */
#include "training.h"

#include "../auth/auth.h"
#include "../core/core.h"
#include "../db/db.h"

#include <jansson.h>
#include <string.h>

/* Runs statement `name` (sql/queries) with {schema} as state_training and one parameter; its one value
 * (malloc'd) in *value, NULL when no row. 0, or -1 when the statement failed. */
static int one_value(PGconn *c, const char *name, const char *param, char **value)
{
    const char *text = dft_db_statement_text(name);
    dft_buf_t sql = {0};
    for (const char *p = text, *hit;; p = hit + 8) {
        if ((hit = strstr(p, "{schema}")) == NULL) {
            dft_buf_puts(&sql, p);
            break;
        }
        dft_buf_append(&sql, p, (size_t)(hit - p));
        dft_buf_puts(&sql, "state_training");
    }
    PGresult *res = PQexecParams(c, sql.data, 1, NULL, &param, NULL, NULL, 0);
    dft_buf_dispose(&sql);
    int ok = PQresultStatus(res) == PGRES_TUPLES_OK;
    *value = ok && PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) ? dft_strdup(PQgetvalue(res, 0, 0)) : NULL;
    if (!ok)
        fprintf(stderr, "daftar: %s failed: %s", name, PQresultErrorMessage(res));
    PQclear(res);
    return ok ? 0 : -1;
}

int dft_training_certificate_verify(PGconn *c, const char *issuer, const char *token, FILE *out)
{
    dft_auth_params_t params = {.issuer = issuer};
    char kid[72], *pem = NULL, *claims = NULL, *answer = NULL;
    const char *why = NULL, *reason = NULL;
    int rc = -1;
    size_t len = strlen(token);
    if (len > DFT_AUTH_MAX_TOKEN || dft_document_kid(token, len, kid, &why) != 0)
        reason = "malformed";
    else if (one_value(c, "certificate_key", kid, &pem) != 0)
        goto done;
    else if (pem == NULL)
        reason = "unknown_key";
    else if (dft_document_verify(token, len, pem, &params, &claims, &why) != 0)
        reason = why != NULL && strcmp(why, "bad signature") == 0 ? "bad_signature" : "malformed";
    else if (one_value(c, "certificate_check", claims, &answer) != 0 || answer == NULL)
        goto done;
    if (reason != NULL)
        fprintf(out, "{\"valid\":false,\"reason\":\"%s\",\"revoked_at\":null,\"certificate\":null}\n", reason);
    else
        fprintf(out, "%s\n", answer);
    json_t *j = reason == NULL ? json_loads(answer, 0, NULL) : NULL;
    rc = json_is_true(json_object_get(j, "valid")) ? 0 : 1;
    json_decref(j);
done:
    free(pem);
    free(claims);
    free(answer);
    return rc;
}
