/*
 * admin.c — department administration and migrations, for the CLI.
 *
 * Blocking libpq on purpose: these run from `daftar migrate` and
 * `daftar dept`, never on an event loop. Each migration is applied in its
 * own transaction and recorded in daftar.schema_migrations (scope 'catalog'
 * or 'dept:<code>'); a session advisory lock keeps `migrate` to itself
 * (exclusive) while departments may be added side by side (shared: they
 * touch no row of another's and no shared ACL, catalog 0012), and migrating
 * while servers run is safe (servers only read the catalog). Adding a
 * department is one transaction: registry row, role, schema, every
 * department migration, profile row and the NOTIFY that running servers
 * listen for — all or nothing.
 */
#include "tenant.h"

#include "../core/core.h"
#include "../db/sqlfiles.h"

#include <stdlib.h>
#include <string.h>

#define MIGRATION_LOCK "7263011"

static int exec_ok(PGconn *c, PGresult *res, FILE *out, const char *what)
{
    ExecStatusType s = PQresultStatus(res);
    int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(out, "daftar: %s failed: %s", what, PQerrorMessage(c));
    return ok;
}

static int run(PGconn *c, const char *sql, FILE *out, const char *what)
{
    PGresult *res = PQexec(c, sql);
    int ok = exec_ok(c, res, out, what);
    PQclear(res);
    return ok ? 0 : -1;
}

static int run_params(PGconn *c, const char *sql, int n, const char *const *params, FILE *out, const char *what)
{
    PGresult *res = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    int ok = exec_ok(c, res, out, what);
    PQclear(res);
    return ok ? 0 : -1;
}

/* The leading number of "0007_name" or "7": 7. */
static int version_of(const char *s)
{
    int v = 0;
    while (*s >= '0' && *s <= '9' && v < 100000000)
        v = v * 10 + (*s++ - '0');
    return v;
}

int dft_migrations_latest(const char *group)
{
    int latest = 0;
    for (size_t i = 0; i < dft_num_sql_files; ++i)
        if (strcmp(dft_sql_files[i].group, group) == 0 && version_of(dft_sql_files[i].name) > latest)
            latest = version_of(dft_sql_files[i].name);
    return latest;
}

const char *dft_functions_digest(const char *group)
{
    char fgroup[64];
    snprintf(fgroup, sizeof(fgroup), "%s/functions", group);
    for (const dft_sql_digest_t *d = dft_sql_digests; d->group != NULL; ++d)
        if (strcmp(d->group, fgroup) == 0)
            return d->sha256;
    return NULL;
}

/* Text with {schema} and {role} replaced by the quoted identifier `ident`. */
static char *template(PGconn *c, const char *text, const char *ident)
{
    char *quoted = ident ? PQescapeIdentifier(c, ident, strlen(ident)) : NULL;
    dft_buf_t b = {0};
    const char *p = text;
    while (*p) {
        if (quoted && strncmp(p, "{schema}", 8) == 0) {
            dft_buf_puts(&b, quoted);
            p += 8;
        } else if (quoted && strncmp(p, "{role}", 6) == 0) {
            dft_buf_puts(&b, quoted);
            p += 6;
        } else {
            dft_buf_append(&b, p++, 1);
        }
    }
    PQfreemem(quoted);
    return b.data ? b.data : dft_strdup("");
}

/* What every department migration must leave behind: the department's role
 * may use every table, sequence and function of its schema, PUBLIC none of
 * the functions; but evidence stays evidence: on a table commented
 * 'append-only' the role may read and insert and nothing else (department
 * 0014), on 'drafts-only' (notes) it may not write status or hashes, on
 * 'read-only' (a statewide catalogue written by SECURITY DEFINER functions
 * only) it may read some columns and write none. The schema's default privileges (department 0001) and the
 * migrating role's (catalog 0012) give that without a GRANT per object; this
 * check refuses the transaction when they did not (say, the objects were
 * created by another role). The objects of a schema are read off pg_depend's
 * index, not by scanning all of pg_class and pg_proc. Run once per
 * transaction, after its migrations. */
static const char dept_check[] =
    "SELECT string_agg(x.name, ', ' ORDER BY x.name) FROM pg_depend d CROSS JOIN LATERAL ("
    "  SELECT c.relname::text AS name FROM pg_class c WHERE d.classid = 'pg_class'::regclass AND c.oid = d.objid"
    "    AND CASE WHEN c.relkind IN ('r', 'p', 'v') AND obj_description(c.oid, 'pg_class') = 'append-only'"
    "             THEN NOT (has_table_privilege($2, c.oid, 'SELECT') AND has_table_privilege($2, c.oid, 'INSERT'))"
    "               OR has_table_privilege($2, c.oid, 'UPDATE') OR has_table_privilege($2, c.oid, 'DELETE')"
    "               OR has_table_privilege($2, c.oid, 'TRUNCATE')"
    "             WHEN c.relkind IN ('r', 'p', 'v') AND obj_description(c.oid, 'pg_class') = 'drafts-only'"
    "             THEN NOT (has_table_privilege($2, c.oid, 'SELECT') AND has_table_privilege($2, c.oid, 'DELETE')"
    "                       AND has_any_column_privilege($2, c.oid, 'INSERT'))"
    "               OR has_column_privilege($2, c.oid, 'status', 'INSERT') OR has_column_privilege($2, c.oid, 'status', 'UPDATE')"
    "               OR has_column_privilege($2, c.oid, 'hash', 'UPDATE') OR has_table_privilege($2, c.oid, 'TRUNCATE')"
    "             WHEN c.relkind IN ('r', 'p', 'v') AND obj_description(c.oid, 'pg_class') = 'read-only'"
    "             THEN NOT has_any_column_privilege($2, c.oid, 'SELECT') OR has_any_column_privilege($2, c.oid, 'INSERT')"
    "               OR has_any_column_privilege($2, c.oid, 'UPDATE') OR has_table_privilege($2, c.oid, 'DELETE')"
    "               OR has_table_privilege($2, c.oid, 'TRUNCATE')"
    "             WHEN c.relkind IN ('r', 'p', 'v') THEN NOT (has_table_privilege($2, c.oid, 'SELECT')"
    "               AND has_table_privilege($2, c.oid, 'INSERT') AND has_table_privilege($2, c.oid, 'UPDATE')"
    "               AND has_table_privilege($2, c.oid, 'DELETE'))"
    "             WHEN c.relkind = 'S' THEN NOT (has_sequence_privilege($2, c.oid, 'USAGE')"
    "               AND has_sequence_privilege($2, c.oid, 'SELECT'))"
    "             ELSE false END"
    "  UNION ALL"
    "  SELECT p.oid::regprocedure::text FROM pg_proc p WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid"
    "    AND (NOT has_function_privilege($2, p.oid, 'EXECUTE') OR has_function_privilege('public', p.oid, 'EXECUTE'))"
    ") x WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = $1::regnamespace";

static int check_dept(PGconn *c, const char *ident, FILE *out)
{
    const char *params[] = {ident, ident};
    PGresult *res = PQexecParams(c, dept_check, 2, NULL, params, NULL, NULL, 0);
    int rc = exec_ok(c, res, out, "checking the department role's grants") ? 0 : -1;
    if (rc == 0 && !PQgetisnull(res, 0, 0)) {
        fprintf(out,
                "daftar: %s: the department role may not use, or PUBLIC may execute: %s (were they created by "
                "the role that ran the catalog migrations?)\n",
                ident, PQgetvalue(res, 0, 0));
        rc = -1;
    }
    PQclear(res);
    return rc;
}

/* Applies the group's migrations missing from `scope`; own_tx: one transaction each. */
static int apply_group(PGconn *c, const char *group, const char *scope, const char *ident, int own_tx, FILE *out)
{
    int is_dept = ident != NULL, applied = 0; /* a department's or a statewide scope's schema and role */
    const char *params[3] = {scope};
    PGresult *res = PQexecParams(c, "SELECT version FROM daftar.schema_migrations WHERE scope = $1", 1, NULL, params,
                                 NULL, NULL, 0);
    if (!exec_ok(c, res, out, "reading migration versions")) {
        PQclear(res);
        return -1;
    }
    int applied_max = 0;
    for (int i = 0; i < PQntuples(res); ++i)
        if (version_of(PQgetvalue(res, i, 0)) > applied_max)
            applied_max = version_of(PQgetvalue(res, i, 0));

    /* Only numbers above the highest applied run, in order. A file numbered
     * below it that was never applied (two branches both took the next
     * number; the lower one merged later) would otherwise be skipped for
     * ever on existing databases while fresh ones run it: refuse, and say
     * which file to renumber. */
    for (size_t i = 0; i < dft_num_sql_files; ++i) {
        const dft_sql_file_t *f = &dft_sql_files[i];
        int v = version_of(f->name), seen = 0;
        if (strcmp(f->group, group) != 0 || v > applied_max)
            continue;
        for (int j = 0; j < PQntuples(res) && !seen; ++j)
            seen = version_of(PQgetvalue(res, j, 0)) == v;
        if (!seen) {
            fprintf(out,
                    "daftar: %s: migration %s/%s was never applied but %d already was; renumber it above the "
                    "highest applied migration\n",
                    scope, group, f->name, applied_max);
            PQclear(res);
            return -1;
        }
    }
    PQclear(res);

    for (size_t i = 0; i < dft_num_sql_files; ++i) {
        const dft_sql_file_t *f = &dft_sql_files[i];
        int v = version_of(f->name);
        if (strcmp(f->group, group) != 0 || v <= applied_max)
            continue;
        char *sql = template(c, f->text, ident);
        char vs[16];
        snprintf(vs, sizeof(vs), "%d", v);
        params[1] = vs;
        params[2] = f->name;
        int rc = (own_tx && run(c, "BEGIN", out, "BEGIN") != 0) || run(c, sql, out, f->name) != 0 ||
                         (own_tx && is_dept && check_dept(c, ident, out) != 0) ||
                         run_params(c, "INSERT INTO daftar.schema_migrations (scope, version, name) VALUES ($1, $2, $3)", 3,
                                    params, out, "recording the migration") != 0 ||
                         (own_tx && run(c, "COMMIT", out, "COMMIT") != 0)
                     ? -1
                     : 0;
        free(sql);
        if (rc != 0) {
            if (own_tx)
                run(c, "ROLLBACK", out, "ROLLBACK");
            return -1;
        }
        fprintf(out, "applied %s %s\n", scope, f->name);
        ++applied;
    }
    return !own_tx && is_dept && applied > 0 ? check_dept(c, ident, out) : 0;
}

/* Applies the files of group/functions whose SHA-256 differs from the one
 * recorded for `scope` (all of them the first time), and for a department or
 * statewide scope those of scoped/functions too (timers), after the migrations:
 * the file is the rule in force, and an old database ends with the same
 * definitions as a new one. Bodies are not validated at creation
 * (check_function_bodies off): a file may name a function of a later file;
 * a policy is, so policy files come last.
 * own_tx: one transaction for them all. */
static int apply_functions(PGconn *c, const char *group, const char *scope, const char *ident, int own_tx, FILE *out)
{
    char fgroup[64];
    snprintf(fgroup, sizeof(fgroup), "%s/functions", group);
    const char *params[3] = {scope};
    PGresult *res = PQexecParams(c, "SELECT name, sha256 FROM daftar.schema_functions WHERE scope = $1", 1, NULL, params,
                                 NULL, NULL, 0);
    if (!exec_ok(c, res, out, "reading function versions")) {
        PQclear(res);
        return -1;
    }
    int rc = own_tx ? run(c, "BEGIN", out, "BEGIN") : 0, applied = 0;
    if (rc == 0)
        rc = run(c, "SET LOCAL check_function_bodies = off", out, "check_function_bodies");
    /* row-level policies (<table>_policies.sql) after the functions they call */
    for (size_t k = 0; k < 2 * dft_num_sql_files && rc == 0; ++k) {
        const dft_sql_file_t *f = &dft_sql_files[k % dft_num_sql_files];
        size_t nl = strlen(f->name);
        int policies = nl > 9 && strcmp(f->name + nl - 9, "_policies") == 0;
        int mine = strcmp(f->group, fgroup) == 0 || (ident != NULL && strcmp(f->group, "scoped/functions") == 0);
        if (!mine || policies != (k >= dft_num_sql_files))
            continue;
        int current = 0;
        for (int j = 0; j < PQntuples(res) && !current; ++j)
            current = strcmp(PQgetvalue(res, j, 0), f->name) == 0 && strcmp(PQgetvalue(res, j, 1), f->sha256) == 0;
        if (current)
            continue;
        char *sql = template(c, f->text, ident);
        params[1] = f->name;
        params[2] = f->sha256;
        rc = run(c, sql, out, f->name) != 0 ||
                     run_params(c,
                                "INSERT INTO daftar.schema_functions (scope, name, sha256) VALUES ($1, $2, $3) "
                                "ON CONFLICT (scope, name) DO UPDATE SET sha256 = excluded.sha256, applied_at = now()",
                                3, params, out, "recording the function") != 0
                 ? -1
                 : 0;
        free(sql);
        if (rc == 0)
            fprintf(out, "applied %s %s/%s\n", scope, fgroup, f->name);
        ++applied;
    }
    PQclear(res);
    if (rc == 0 && applied > 0 && ident != NULL)
        rc = check_dept(c, ident, out);
    if (own_tx)
        rc = rc == 0 ? run(c, "COMMIT", out, "COMMIT") : (run(c, "ROLLBACK", out, "ROLLBACK"), -1);
    return rc;
}

/* The statewide scopes compiled in (sql/state/<name>/): each its NOLOGIN role
 * state_<name>, a member of daftar_state (catalog 0020) and granted to
 * daftar_api like a department's, and its schema of the same name; then its
 * migrations and function files, checked as a department's are. */
static int apply_states(PGconn *c, FILE *out)
{
    for (size_t i = 0; i < dft_num_sql_files; ++i) {
        const char *g = dft_sql_files[i].group, *name = g + 6;
        int first = 1;
        for (size_t j = 0; j < i && first; ++j)
            first = strcmp(dft_sql_files[j].group, g) != 0;
        if (strncmp(g, "state/", 6) != 0 || strchr(name, '/') != NULL || !first)
            continue;
        char ident[64], scope[64];
        snprintf(ident, sizeof(ident), "state_%s", name); /* lib/embed.py: name is ^[a-z][a-z0-9_]{1,20}$ */
        snprintf(scope, sizeof(scope), "state:%s", name);
        char *q = PQescapeIdentifier(c, ident, strlen(ident));
        dft_buf_t ddl = {0};
        dft_buf_printf(&ddl,
                       "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN "
                       "CREATE ROLE %s NOLOGIN IN ROLE daftar_state; END IF; END $$; "
                       "ALTER ROLE %s NOLOGIN NOCREATEROLE NOCREATEDB; GRANT %s TO daftar_api; "
                       "CREATE SCHEMA IF NOT EXISTS %s",
                       ident, q, q, q, q);
        PQfreemem(q);
        int rc = run(c, "BEGIN", out, "BEGIN") != 0 || run(c, ddl.data, out, "creating the scope's role and schema") != 0 ||
                         run(c, "COMMIT", out, "COMMIT") != 0
                     ? -1
                     : 0;
        dft_buf_dispose(&ddl);
        if (rc != 0 || apply_group(c, g, scope, ident, 1, out) != 0 || apply_functions(c, g, scope, ident, 1, out) != 0) {
            run(c, "ROLLBACK", out, "ROLLBACK");
            return -1;
        }
    }
    return 0;
}

/* shared: a department add; exclusive: `migrate`. */
static int lock(PGconn *c, int shared, FILE *out)
{
    return run(c, shared ? "SELECT pg_advisory_lock_shared(" MIGRATION_LOCK ")" : "SELECT pg_advisory_lock(" MIGRATION_LOCK ")",
               out, "taking the migration lock");
}

static void unlock(PGconn *c, int shared, FILE *out)
{
    run(c, shared ? "SELECT pg_advisory_unlock_shared(" MIGRATION_LOCK ")" : "SELECT pg_advisory_unlock(" MIGRATION_LOCK ")",
        out, "releasing the migration lock");
}

int dft_migrate(PGconn *c, FILE *out)
{
    if (lock(c, 0, out) != 0)
        return -1;
    int rc = -1;
    if (run(c,
            "CREATE SCHEMA IF NOT EXISTS daftar;"
            "CREATE TABLE IF NOT EXISTS daftar.schema_migrations ("
            "  scope text NOT NULL, version integer NOT NULL, name text NOT NULL,"
            "  applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, version));"
            "CREATE TABLE IF NOT EXISTS daftar.schema_functions ("
            "  scope text NOT NULL, name text NOT NULL, sha256 text NOT NULL,"
            "  applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, name))",
            out, "creating the migrations tables") != 0 ||
        apply_group(c, "catalog", "catalog", NULL, 1, out) != 0 ||
        run(c, "GRANT SELECT ON daftar.schema_functions TO daftar_api", out, "granting") != 0 || /* role: catalog 0001 */
        apply_functions(c, "catalog", "catalog", NULL, 1, out) != 0)
        goto done;
    if (apply_states(c, out) != 0)
        goto done;
    PGresult *res = PQexec(c, "SELECT code FROM daftar.departments ORDER BY code");
    if (!exec_ok(c, res, out, "listing departments")) {
        PQclear(res);
        goto done;
    }
    rc = 0;
    for (int i = 0; i < PQntuples(res) && rc == 0; ++i) {
        char scope[64], ident[64];
        snprintf(scope, sizeof(scope), "dept:%s", PQgetvalue(res, i, 0));
        snprintf(ident, sizeof(ident), "dept_%s", PQgetvalue(res, i, 0));
        rc = apply_group(c, "dept", scope, ident, 1, out) != 0 || apply_functions(c, "dept", scope, ident, 1, out) != 0 ? -1 : 0;
    }
    PQclear(res);
    if (rc == 0)
        rc = run(c, "SELECT pg_notify('daftar_departments', 'migrated')", out, "notifying servers");
done:
    unlock(c, 0, out);
    return rc;
}

int dft_dept_add(PGconn *c, const char *code, const char *name, const char *name_hi, FILE *out)
{
    if (!dft_tenant_code_valid(code, strlen(code))) {
        fprintf(out, "daftar: department code must match ^[a-z][a-z0-9_]{1,30}$\n");
        return -1;
    }
    if (name == NULL || name[0] == '\0' || strlen(name) > 200 || (name_hi != NULL && strlen(name_hi) > 800)) {
        fprintf(out, "daftar: --name is required (at most 200 characters)\n");
        return -1;
    }
    char ident[64], scope[64];
    snprintf(ident, sizeof(ident), "dept_%s", code);
    snprintf(scope, sizeof(scope), "dept:%s", code);
    char *q = PQescapeIdentifier(c, ident, strlen(ident));
    dft_buf_t ddl = {0};
    dft_buf_printf(&ddl, "CREATE ROLE %s NOLOGIN IN ROLE daftar_dept; GRANT %s TO daftar_api; CREATE SCHEMA %s", q, q, q);
    PQfreemem(q);
    const char *params[] = {code, name, name_hi && name_hi[0] ? name_hi : NULL};
    char latest[16];
    snprintf(latest, sizeof(latest), "%d", dft_migrations_latest("dept"));
    const char *latest_param[] = {latest};
    int rc = -1;
    if (lock(c, 1, out) != 0)
        goto out;
    if (run(c, "BEGIN", out, "BEGIN") != 0)
        goto unlock;
    /* Function bodies are validated (parsed, their names resolved) once per
     * migration text: when another department already has the latest
     * migration, the same text was validated there, by the first add or by
     * `migrate`. With a thousand departments validation is a third of an add
     * (resolving a function name reads every department's function of that
     * name). */
    if (run_params(c,
                   "SELECT set_config('check_function_bodies', 'off', true) FROM daftar.schema_migrations "
                   "WHERE version = $1 AND scope LIKE 'dept:%' LIMIT 1",
                   1, latest_param, out, "reading migration versions") != 0 ||
        run_params(c, "INSERT INTO daftar.departments (code, name, name_hi) VALUES ($1, $2, $3)", 3, params, out,
                   "registering the department") != 0 ||
        run(c, ddl.data, out, "creating the department's role and schema") != 0 ||
        apply_group(c, "dept", scope, ident, 0, out) != 0 || apply_functions(c, "dept", scope, ident, 0, out) != 0) {
        run(c, "ROLLBACK", out, "ROLLBACK");
        goto unlock;
    }
    char *insert = template(c, "INSERT INTO {schema}.profile (code, name, name_hi) VALUES ($1, $2, $3)", ident);
    int ok = run_params(c, insert, 3, params, out, "writing the profile") == 0 &&
             run_params(c, "SELECT pg_notify('daftar_departments', $1)", 1, params, out, "notifying servers") == 0 &&
             run(c, "COMMIT", out, "COMMIT") == 0;
    free(insert);
    if (!ok) {
        run(c, "ROLLBACK", out, "ROLLBACK");
        goto unlock;
    }
    fprintf(out, "added department %s\n", code);
    rc = 0;
unlock:
    unlock(c, 1, out);
out:
    dft_buf_dispose(&ddl);
    return rc;
}

int dft_dept_set_status(PGconn *c, const char *code, const char *status, FILE *out)
{
    const char *params[] = {code, status};
    PGresult *res = PQexecParams(c,
                                 "WITH u AS (UPDATE daftar.departments SET status = $2, updated_at = now() WHERE code = $1 "
                                 "RETURNING code) SELECT pg_notify('daftar_departments', code) FROM u",
                                 2, NULL, params, NULL, NULL, 0);
    int ok = exec_ok(c, res, out, "changing the department's status");
    int found = ok && PQntuples(res) == 1;
    PQclear(res);
    if (ok && !found)
        fprintf(out, "daftar: no department with code '%s'\n", code);
    if (found)
        fprintf(out, "department %s is now %s\n", code, status);
    return found ? 0 : -1;
}

int dft_dept_set_trusted(PGconn *c, const char *code, const char *cidrs, FILE *out)
{
    dft_buf_t arr = {0};
    dft_buf_printf(&arr, "{%s}", cidrs);
    const char *params[] = {code, arr.data};
    PGresult *res = PQexecParams(c,
                                 "WITH u AS (UPDATE daftar.departments SET trusted_cidrs = $2::cidr[], updated_at = now() "
                                 "WHERE code = $1 RETURNING code) SELECT pg_notify('daftar_departments', code) FROM u",
                                 2, NULL, params, NULL, NULL, 0);
    int ok = exec_ok(c, res, out, "setting trusted networks"), found = ok && PQntuples(res) == 1;
    PQclear(res);
    dft_buf_dispose(&arr);
    if (ok && !found)
        fprintf(out, "daftar: no department with code '%s'\n", code);
    if (found)
        fprintf(out, "department %s: trusted networks %s\n", code, cidrs[0] ? cidrs : "(none)");
    return found ? 0 : -1;
}

int dft_dept_list(PGconn *c, FILE *out)
{
    PGresult *res = PQexec(c, "SELECT code, status, name, coalesce(name_hi, '') FROM daftar.departments ORDER BY code");
    if (!exec_ok(c, res, out, "listing departments")) {
        PQclear(res);
        return -1;
    }
    for (int i = 0; i < PQntuples(res); ++i)
        fprintf(out, "%-32s %-10s %s%s%s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
                PQgetvalue(res, i, 3)[0] ? " / " : "", PQgetvalue(res, i, 3));
    PQclear(res);
    return 0;
}
