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
#include <time.h>
#include <unistd.h>

#define MIGRATION_LOCK "7263011"

static void quiet_notice(void *arg, const char *message)
{
    (void)arg, (void)message; /* "already exists, skipping" notices are expected on re-runs */
}

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

/* The catalog's tables and migrations on c: main's, or a department cluster's own copy
 * (its roles daftar_api, daftar_dept, the schema daftar with the views and functions the
 * department SQL names). */
static int catalog_up(PGconn *c, FILE *out)
{
    return run(c,
               "CREATE SCHEMA IF NOT EXISTS daftar;"
               "CREATE TABLE IF NOT EXISTS daftar.schema_migrations ("
               "  scope text NOT NULL, version integer NOT NULL, name text NOT NULL,"
               "  applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, version));"
               "CREATE TABLE IF NOT EXISTS daftar.schema_functions ("
               "  scope text NOT NULL, name text NOT NULL, sha256 text NOT NULL,"
               "  applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (scope, name))",
               out, "creating the migrations tables") != 0 ||
                   apply_group(c, "catalog", "catalog", NULL, 1, out) != 0 ||
                   run(c, "GRANT SELECT ON daftar.schema_functions TO daftar_api", out, "granting") != 0 || /* catalog 0001 */
                   apply_functions(c, "catalog", "catalog", NULL, 1, out) != 0
               ? -1
               : 0;
}

/* Copies what cluster s recorded for scope (its migrations and function files) to main's
 * catalog, which registry_load reads; inside main's open transaction. */
static int copy_records(PGconn *s, PGconn *c, const char *scope, FILE *out)
{
    const char *params[] = {scope};
    PGresult *res = PQexecParams(s,
                                 "SELECT (SELECT coalesce(json_agg(m), '[]') FROM daftar.schema_migrations m WHERE m.scope = $1),"
                                 "       (SELECT coalesce(json_agg(f), '[]') FROM daftar.schema_functions f WHERE f.scope = $1)",
                                 1, NULL, params, NULL, NULL, 0);
    if (!exec_ok(s, res, out, "reading the cluster's migration records")) {
        PQclear(res);
        return -1;
    }
    const char *p2[] = {scope, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1)};
    int rc = run_params(c,
                        "WITH m AS (INSERT INTO daftar.schema_migrations (scope, version, name, applied_at) "
                        "  SELECT $1, x.version, x.name, x.applied_at FROM json_populate_recordset(NULL::daftar.schema_migrations, $2::json) x "
                        "  ON CONFLICT (scope, version) DO NOTHING) "
                        "INSERT INTO daftar.schema_functions (scope, name, sha256, applied_at) "
                        "  SELECT $1, x.name, x.sha256, x.applied_at FROM json_populate_recordset(NULL::daftar.schema_functions, $3::json) x "
                        "  ON CONFLICT (scope, name) DO UPDATE SET sha256 = excluded.sha256, applied_at = excluded.applied_at",
                        3, p2, out, "recording the cluster's migrations in the catalog");
    PQclear(res);
    return rc;
}

static PGconn *cluster_connect(const dft_cluster_t *admins, size_t n, const char *name, FILE *out)
{
    for (size_t i = 0; i < n; ++i)
        if (strcmp(admins[i].name, name) == 0) {
            PGconn *s = PQconnectdb(admins[i].dsn);
            if (PQstatus(s) != CONNECTION_OK) {
                fprintf(out, "daftar: cannot connect to cluster %s: %s", name, PQerrorMessage(s));
                PQfinish(s);
                return NULL;
            }
            PQsetNoticeProcessor(s, quiet_notice, NULL);
            return s;
        }
    fprintf(out, "daftar: cluster '%s' is not named in cluster_admin_dsns\n", name);
    return NULL;
}

int dft_migrate(PGconn *c, const dft_cluster_t *admins, size_t num_admins, FILE *out)
{
    if (lock(c, 0, out) != 0)
        return -1;
    int rc = -1;
    PGconn *sat[DFT_MAX_CLUSTERS] = {0};
    if (catalog_up(c, out) != 0)
        goto done;
    if (apply_states(c, out) != 0)
        goto done;
    /* every department cluster of the settings gets the catalog's schema (its own copy) */
    for (size_t k = 0; k < num_admins; ++k)
        if ((sat[k] = cluster_connect(admins, num_admins, admins[k].name, out)) == NULL || lock(sat[k], 0, out) != 0 ||
            catalog_up(sat[k], out) != 0)
            goto done;
    PGresult *res = PQexec(c, "SELECT code, cluster FROM daftar.departments ORDER BY code");
    if (!exec_ok(c, res, out, "listing departments")) {
        PQclear(res);
        goto done;
    }
    rc = 0;
    for (int i = 0; i < PQntuples(res) && rc == 0; ++i) {
        char scope[64], ident[64];
        const char *cluster = PQgetvalue(res, i, 1);
        snprintf(scope, sizeof(scope), "dept:%s", PQgetvalue(res, i, 0));
        snprintf(ident, sizeof(ident), "dept_%s", PQgetvalue(res, i, 0));
        PGconn *x = c;
        if (strcmp(cluster, "main") != 0) {
            x = NULL;
            for (size_t k = 0; k < num_admins && x == NULL; ++k)
                if (strcmp(admins[k].name, cluster) == 0)
                    x = sat[k];
            if (x == NULL) {
                fprintf(out, "daftar: department %s is on cluster '%s', not named in cluster_admin_dsns\n",
                        PQgetvalue(res, i, 0), cluster);
                rc = -1;
                break;
            }
        }
        rc = apply_group(x, "dept", scope, ident, 1, out) != 0 || apply_functions(x, "dept", scope, ident, 1, out) != 0 ? -1 : 0;
        if (rc == 0 && x != c)
            rc = run(c, "BEGIN", out, "BEGIN") != 0 || copy_records(x, c, scope, out) != 0 || run(c, "COMMIT", out, "COMMIT") != 0
                     ? (run(c, "ROLLBACK", out, "ROLLBACK"), -1)
                     : 0;
    }
    PQclear(res);
    if (rc == 0)
        rc = run(c, "SELECT pg_notify('daftar_departments', 'migrated')", out, "notifying servers");
done:
    for (size_t k = 0; k < num_admins; ++k)
        if (sat[k] != NULL) {
            unlock(sat[k], 0, out);
            PQfinish(sat[k]);
        }
    unlock(c, 0, out);
    return rc;
}

/* In x's open transaction: the registry row, the department's role and schema, every
 * department migration and function file, the profile. */
static int dept_create(PGconn *x, const char *code, const char *const params[3], const char *cluster, FILE *out)
{
    char ident[64], scope[64];
    snprintf(ident, sizeof(ident), "dept_%s", code);
    snprintf(scope, sizeof(scope), "dept:%s", code);
    char *q = PQescapeIdentifier(x, ident, strlen(ident));
    dft_buf_t ddl = {0};
    dft_buf_printf(&ddl, "CREATE ROLE %s NOLOGIN IN ROLE daftar_dept; GRANT %s TO daftar_api; CREATE SCHEMA %s", q, q, q);
    PQfreemem(q);
    char latest[16];
    snprintf(latest, sizeof(latest), "%d", dft_migrations_latest("dept"));
    const char *latest_param[] = {latest}, *reg[] = {params[0], params[1], params[2], cluster};
    /* Function bodies are validated (parsed, their names resolved) once per
     * migration text: when another department already has the latest
     * migration, the same text was validated there, by the first add or by
     * `migrate`. With a thousand departments validation is a third of an add
     * (resolving a function name reads every department's function of that
     * name). */
    int rc = run_params(x,
                        "SELECT set_config('check_function_bodies', 'off', true) FROM daftar.schema_migrations "
                        "WHERE version = $1 AND scope LIKE 'dept:%' LIMIT 1",
                        1, latest_param, out, "reading migration versions") != 0 ||
                     run_params(x, "INSERT INTO daftar.departments (code, name, name_hi, cluster) VALUES ($1, $2, $3, $4)", 4,
                                reg, out, "registering the department") != 0 ||
                     run(x, ddl.data, out, "creating the department's role and schema") != 0 ||
                     apply_group(x, "dept", scope, ident, 0, out) != 0 || apply_functions(x, "dept", scope, ident, 0, out) != 0
                 ? -1
                 : 0;
    dft_buf_dispose(&ddl);
    if (rc == 0) {
        char *insert = template(x, "INSERT INTO {schema}.profile (code, name, name_hi) VALUES ($1, $2, $3)", ident);
        rc = run_params(x, insert, 3, params, out, "writing the profile");
        free(insert);
    }
    return rc;
}

int dft_dept_add(PGconn *c, const char *code, const char *name, const char *name_hi, const char *cluster,
                 const dft_cluster_t *admins, size_t num_admins, FILE *out)
{
    if (!dft_tenant_code_valid(code, strlen(code))) {
        fprintf(out, "daftar: department code must match ^[a-z][a-z0-9_]{1,30}$\n");
        return -1;
    }
    if (name == NULL || name[0] == '\0' || strlen(name) > 200 || (name_hi != NULL && strlen(name_hi) > 800)) {
        fprintf(out, "daftar: --name is required (at most 200 characters)\n");
        return -1;
    }
    const char *params[] = {code, name, name_hi && name_hi[0] ? name_hi : NULL};
    int rc = -1;
    if (cluster == NULL || strcmp(cluster, "main") == 0) {
        if (lock(c, 1, out) != 0)
            return -1;
        if (run(c, "BEGIN", out, "BEGIN") != 0 || dept_create(c, code, params, "main", out) != 0 ||
            run_params(c, "SELECT pg_notify('daftar_departments', $1)", 1, params, out, "notifying servers") != 0 ||
            run(c, "COMMIT", out, "COMMIT") != 0)
            run(c, "ROLLBACK", out, "ROLLBACK");
        else
            rc = 0;
        unlock(c, 1, out);
    } else {
        /* Its cluster first (the schema and its own registry row, which the department's
         * views read), then main's registry row and the records of its migrations: servers
         * see the department only once it is whole. */
        PGconn *s = cluster_connect(admins, num_admins, cluster, out);
        if (s == NULL)
            return -1;
        int up = lock(s, 0, out) == 0 && catalog_up(s, out) == 0;
        unlock(s, 0, out);
        if (up && lock(s, 1, out) == 0) {
            if (run(s, "BEGIN", out, "BEGIN") != 0 || dept_create(s, code, params, cluster, out) != 0 ||
                run(s, "COMMIT", out, "COMMIT") != 0) {
                run(s, "ROLLBACK", out, "ROLLBACK");
            } else if (lock(c, 1, out) == 0) {
                char scope[64];
                snprintf(scope, sizeof(scope), "dept:%s", code);
                const char *reg[] = {code, name, params[2], cluster};
                if (run(c, "BEGIN", out, "BEGIN") != 0 ||
                    run_params(c, "INSERT INTO daftar.departments (code, name, name_hi, cluster) VALUES ($1, $2, $3, $4)", 4,
                               reg, out, "registering the department") != 0 ||
                    copy_records(s, c, scope, out) != 0 ||
                    run_params(c, "SELECT pg_notify('daftar_departments', $1)", 1, params, out, "notifying servers") != 0 ||
                    run(c, "COMMIT", out, "COMMIT") != 0) {
                    run(c, "ROLLBACK", out, "ROLLBACK");
                    fprintf(out, "daftar: department %s exists on cluster %s but not in the catalog: drop its schema and "
                                 "role there (DROP SCHEMA dept_%s CASCADE; DROP ROLE dept_%s) before adding it again\n",
                            code, cluster, code, code);
                } else {
                    rc = 0;
                }
                unlock(c, 1, out);
            }
            unlock(s, 1, out);
        }
        PQfinish(s);
    }
    if (rc == 0)
        fprintf(out, "added department %s on cluster %s\n", code, cluster ? cluster : "main");
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
    PGresult *res = PQexec(c, "SELECT code, status, cluster, name, coalesce(name_hi, '') FROM daftar.departments ORDER BY code");
    if (!exec_ok(c, res, out, "listing departments")) {
        PQclear(res);
        return -1;
    }
    for (int i = 0; i < PQntuples(res); ++i)
        fprintf(out, "%-32s %-10s %-12s %s%s%s\n", PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2),
                PQgetvalue(res, i, 3), PQgetvalue(res, i, 4)[0] ? " / " : "", PQgetvalue(res, i, 4));
    PQclear(res);
    return 0;
}

/* ------------------------------------------------------------------ move */

typedef struct move_table_t {
    char name[140]; /* "dept_x"."t", quoted */
    char *cols;     /* its stored columns, quoted, comma-separated */
    int done;
    long long rows;
} move_table_t;

/* One value of a one-row result, or NULL (after saying why). */
static char *scalar(PGconn *x, const char *sql, int n, const char *const *params, FILE *out, const char *what)
{
    PGresult *res = PQexecParams(x, sql, n, NULL, params, NULL, NULL, 0);
    char *v = NULL;
    if (exec_ok(x, res, out, what) && PQntuples(res) == 1)
        v = dft_strdup(PQgetisnull(res, 0, 0) ? "" : PQgetvalue(res, 0, 0));
    else if (PQresultStatus(res) == PGRES_TUPLES_OK)
        fprintf(out, "daftar: %s: no row\n", what);
    PQclear(res);
    return v;
}

/* COPY one table from src to dst in binary (both clusters run the same PostgreSQL and the
 * same migrations); the rows copied, or -1. */
static long long copy_table(PGconn *src, PGconn *dst, const move_table_t *t, FILE *out)
{
    dft_buf_t q = {0};
    dft_buf_printf(&q, "COPY (SELECT %s FROM %s) TO STDOUT (FORMAT binary)", t->cols, t->name);
    PGresult *a = PQexec(src, q.data);
    dft_buf_dispose(&q);
    dft_buf_printf(&q, "COPY %s (%s) FROM STDIN (FORMAT binary)", t->name, t->cols);
    PGresult *b = PQresultStatus(a) == PGRES_COPY_OUT ? PQexec(dst, q.data) : NULL;
    dft_buf_dispose(&q);
    int ok = b != NULL && PQresultStatus(b) == PGRES_COPY_IN;
    PQclear(a);
    PQclear(b);
    if (!ok) {
        fprintf(out, "daftar: cannot copy %s: %s%s", t->name, PQerrorMessage(src), PQerrorMessage(dst));
        return -1;
    }
    char *buf;
    int n;
    while ((n = PQgetCopyData(src, &buf, 0)) > 0) {
        ok = ok && PQputCopyData(dst, buf, n) == 1;
        PQfreemem(buf);
    }
    PGresult *ra = PQgetResult(src);
    ok = ok && n == -1 && PQresultStatus(ra) == PGRES_COMMAND_OK;
    PQclear(ra);
    while ((ra = PQgetResult(src)) != NULL)
        PQclear(ra);
    ok = PQputCopyEnd(dst, ok ? NULL : "source failed") == 1 && ok;
    PGresult *rb = PQgetResult(dst);
    long long rows = ok && PQresultStatus(rb) == PGRES_COMMAND_OK ? atoll(PQcmdTuples(rb)) : -1;
    if (rows < 0)
        fprintf(out, "daftar: copying %s failed: %s%s", t->name, PQerrorMessage(src), PQerrorMessage(dst));
    PQclear(rb);
    while ((rb = PQgetResult(dst)) != NULL)
        PQclear(rb);
    return rows;
}

static PGconn *connect_named(const char *main_dsn, const dft_cluster_t *admins, size_t n, const char *name, FILE *out)
{
    if (strcmp(name, "main") != 0)
        return cluster_connect(admins, n, name, out);
    PGconn *x = PQconnectdb(main_dsn);
    if (PQstatus(x) != CONNECTION_OK) {
        fprintf(out, "daftar: cannot connect to cluster main: %s", PQerrorMessage(x));
        PQfinish(x);
        return NULL;
    }
    PQsetNoticeProcessor(x, quiet_notice, NULL);
    return x;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The move's one write to the registry on main, with its NOTIFY (every server reloads the department):
 * moving_to = to (the window opens; refused when a move is on already), cluster = cluster (the switch), or
 * neither (the window ends). 0, or -1 (message printed). */
static int registry_move(PGconn *c, const char *code, const char *to, const char *cluster, FILE *out, const char *what)
{
    const char *params[] = {code, to, cluster};
    return run_params(c,
                      "WITH u AS (UPDATE daftar.departments SET moving_to = $2, cluster = coalesce($3, cluster), "
                      "updated_at = now() WHERE code = $1 AND ($2::text IS NULL OR moving_to IS NULL) RETURNING code) "
                      "SELECT pg_notify('daftar_departments', code) FROM u",
                      3, params, out, what);
}

int dft_dept_move(PGconn *c, const char *main_dsn, const char *code, const char *to, const dft_cluster_t *admins,
                  size_t num_admins, const unsigned char master[32], FILE *out)
{
    if (!dft_tenant_code_valid(code, strlen(code)))
        return fprintf(out, "daftar: department code must match ^[a-z][a-z0-9_]{1,30}$\n"), -1;
    const char *p1[] = {code};
    PGresult *reg = PQexecParams(c, "SELECT cluster, moving_to IS NOT NULL, name, name_hi FROM daftar.departments WHERE code = $1",
                                 1, NULL, p1, NULL, NULL, 0);
    if (!exec_ok(c, reg, out, "reading the registry") || PQntuples(reg) != 1) {
        if (PQresultStatus(reg) == PGRES_TUPLES_OK)
            fprintf(out, "daftar: no department with code '%s'\n", code);
        PQclear(reg);
        return -1;
    }
    char from[32], name[256], name_hi[1024];
    snprintf(from, sizeof(from), "%s", PQgetvalue(reg, 0, 0));
    snprintf(name, sizeof(name), "%s", PQgetvalue(reg, 0, 2));
    snprintf(name_hi, sizeof(name_hi), "%s", PQgetvalue(reg, 0, 3));
    int hi_null = PQgetisnull(reg, 0, 3), moving = PQgetvalue(reg, 0, 1)[0] == 't';
    PQclear(reg);
    if (strcmp(from, to) == 0)
        return fprintf(out, "daftar: department %s is on cluster %s already\n", code, to), -1;
    if (moving)
        return fprintf(out, "daftar: department %s is being moved already (an interrupted move: see README \"Moving a "
                            "department\")\n", code), -1;

    char ident[64], scope[64];
    snprintf(ident, sizeof(ident), "dept_%s", code);
    snprintf(scope, sizeof(scope), "dept:%s", code);
    int rc = -1, announced = 0, src_open = 0, dst_open = 0;
    double t0 = 0;
    long long total = 0;
    move_table_t *tables = NULL;
    size_t nt = 0;
    char *key = NULL;
    PGresult *res = NULL;
    PGconn *src = connect_named(main_dsn, admins, num_admins, from, out);
    PGconn *dst = src != NULL ? connect_named(main_dsn, admins, num_admins, to, out) : NULL;
    if (dst == NULL)
        goto done;
    /* the destination's copy of the catalog's schema, and no schema of that name there yet */
    int up = lock(dst, 0, out) == 0 && catalog_up(dst, out) == 0;
    unlock(dst, 0, out);
    const char *pi[] = {ident};
    char *there = up ? scalar(dst, "SELECT to_regnamespace($1) IS NOT NULL", 1, pi, out, "looking at the destination") : NULL;
    if (there == NULL || there[0] == 't') {
        if (there != NULL)
            fprintf(out, "daftar: cluster %s has a schema %s already (a copy left by an earlier move?): drop it first\n", to,
                    ident);
        free(there);
        goto done;
    }
    free(there);

    const char *pk[] = {code};
    key = scalar(src, "SELECT data_key FROM daftar.departments WHERE code = $1", 1, pk, out, "reading the data key");
    if (key == NULL)
        goto done;

    /* 1. the destination, before the window: role, schema, the same migrations and function files
     * (in a transaction that commits only with the rows) */
    const char *mirror[] = {code, name, hi_null ? NULL : name_hi, to, key[0] ? key : NULL};
    char *q = PQescapeIdentifier(dst, ident, strlen(ident));
    dft_buf_t ddl = {0};
    dft_buf_printf(&ddl,
                   "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%s') THEN "
                   "CREATE ROLE %s NOLOGIN IN ROLE daftar_dept; END IF; END $$; GRANT %s TO daftar_api; CREATE SCHEMA %s",
                   ident, q, q, q);
    PQfreemem(q);
    int made = run(dst, "BEGIN", out, "BEGIN") == 0 && (dst_open = 1) &&
               run(dst, "SET LOCAL check_function_bodies = off", out, "check_function_bodies") == 0 &&
               run_params(dst,
                          "INSERT INTO daftar.departments (code, name, name_hi, cluster, data_key) VALUES ($1, $2, $3, $4, $5) "
                          "ON CONFLICT (code) DO UPDATE SET cluster = excluded.cluster, data_key = excluded.data_key",
                          5, mirror, out, "registering the department on the destination") == 0 &&
               run(dst, ddl.data, out, "creating the department's role and schema") == 0 &&
               apply_group(dst, "dept", scope, ident, 0, out) == 0 && apply_functions(dst, "dept", scope, ident, 0, out) == 0;
    dft_buf_dispose(&ddl);
    if (!made)
        goto done;
    /* 2. the window opens: every server refuses the department's writes from its next NOTIFY */
    if (registry_move(c, code, to, NULL, out, "announcing the move") != 0)
        goto done;
    announced = 1;
    t0 = now_s();
    fprintf(out, "department %s is read-only from now: moving from cluster %s to %s\n", code, from, to);
    fflush(out);
    usleep(500000); /* servers take a NOTIFY in milliseconds; writes already sent finish */

    /* 3. the source, in one snapshot taken after every write of the department has ended:
     * EXCLUSIVE lets reads through and waits for (then holds off) writers */
    res = PQexecParams(src,
                       "SELECT format('%I.%I', n.nspname, c.relname), "
                       "  (SELECT string_agg(quote_ident(a.attname), ',' ORDER BY a.attnum) FROM pg_attribute a "
                       "   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''), "
                       "  coalesce((SELECT string_agg(format('%I.%I', fn.nspname, f.relname), ',') FROM pg_constraint k "
                       "   JOIN pg_class f ON f.oid = k.confrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace "
                       "   WHERE k.conrelid = c.oid AND k.contype = 'f' AND k.confrelid <> c.oid), '') "
                       "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname",
                       1, NULL, pi, NULL, NULL, 0);
    if (!exec_ok(src, res, out, "listing the department's tables"))
        goto done;
    nt = (size_t)PQntuples(res);
    tables = dft_calloc(nt + 1, sizeof(*tables));
    /* parents before children (foreign keys are checked as rows arrive) */
    size_t placed = 0;
    int *used = dft_calloc(nt + 1, sizeof(int));
    while (placed < nt) {
        size_t before = placed;
        for (size_t i = 0; i < nt; ++i) {
            if (used[i])
                continue;
            int ready = 1;
            for (size_t j = 0; j < nt && ready; ++j) {
                if (used[j] || j == i)
                    continue;
                const char *deps = PQgetvalue(res, (int)i, 2), *nm = PQgetvalue(res, (int)j, 0), *hit = deps;
                size_t l = strlen(nm);
                while ((hit = strstr(hit, nm)) != NULL) {
                    if ((hit == deps || hit[-1] == ',') && (hit[l] == ',' || hit[l] == '\0'))
                        ready = 0;
                    hit += l;
                }
            }
            if (ready) {
                used[i] = 1;
                snprintf(tables[placed].name, sizeof(tables[placed].name), "%s", PQgetvalue(res, (int)i, 0));
                tables[placed++].cols = dft_strdup(PQgetvalue(res, (int)i, 1));
            }
        }
        if (placed == before) {
            fprintf(out, "daftar: the department's tables refer to each other in a cycle; cannot order the copy\n");
            free(used);
            goto done;
        }
    }
    free(used);
    PQclear(res);
    res = NULL;
    dft_buf_t lk = {0};
    dft_buf_puts(&lk, "LOCK TABLE ");
    for (size_t i = 0; i < nt; ++i)
        dft_buf_printf(&lk, "%s%s", i ? ", " : "", tables[i].name);
    dft_buf_puts(&lk, " IN EXCLUSIVE MODE");
    int locked = run(src, "BEGIN ISOLATION LEVEL REPEATABLE READ", out, "BEGIN") == 0 && (src_open = 1) &&
                 run(src, "SET LOCAL lock_timeout = '30s'", out, "lock_timeout") == 0 &&
                 run(src, lk.data, out, "locking the department's tables") == 0;
    dft_buf_dispose(&lk);
    if (!locked)
        goto done;
    /* the data key is written once (catalog 0010): one set since it was read above goes along */
    char *key2 = scalar(src, "SELECT data_key FROM daftar.departments WHERE code = $1", 1, pk, out, "reading the data key");
    const char *pkey[] = {code, key2 != NULL && key2[0] ? key2 : NULL};
    int keyed = key2 != NULL && (strcmp(key, key2) == 0 ||
                                 run_params(dst, "UPDATE daftar.departments SET data_key = $2 WHERE code = $1", 2, pkey, out,
                                            "copying the data key") == 0);
    free(key2);
    if (!keyed)
        goto done;
    /* 4. the rows */
    dft_buf_t trg = {0};
    for (size_t i = 0; i < nt; ++i) /* rows arrive as they were: no trigger recomputes or refuses them */
        dft_buf_printf(&trg, "ALTER TABLE %s DISABLE TRIGGER USER;", tables[i].name);
    /* the rows the migrations seeded (singletons, counters) come from the source like the rest */
    dft_buf_puts(&trg, "TRUNCATE ");
    for (size_t i = 0; i < nt; ++i)
        dft_buf_printf(&trg, "%s%s", i ? ", " : "", tables[i].name);
    int copied = run(dst, trg.data, out, "holding the destination's triggers and emptying its tables") == 0;
    for (size_t i = 0; i < nt && copied; ++i) {
        tables[i].rows = copy_table(src, dst, &tables[i], out);
        copied = tables[i].rows >= 0;
        total += copied ? tables[i].rows : 0;
    }
    dft_buf_dispose(&trg);
    for (size_t i = 0; i < nt && copied; ++i)
        dft_buf_printf(&trg, "ALTER TABLE %s ENABLE TRIGGER USER;", tables[i].name);
    copied = copied && run(dst, trg.data, out, "restoring the destination's triggers") == 0;
    dft_buf_dispose(&trg);
    /* sequences where the source's are */
    res = copied ? PQexecParams(src,
                                "SELECT format('%I.%I', n.nspname, c.relname), s.last_value FROM pg_class c "
                                "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequences s ON s.schemaname = n.nspname "
                                "AND s.sequencename = c.relname WHERE n.nspname = $1 AND c.relkind = 'S'",
                                1, NULL, pi, NULL, NULL, 0)
                 : NULL;
    if (!copied || !exec_ok(src, res, out, "reading the sequences"))
        goto done;
    for (int i = 0; i < PQntuples(res); ++i) {
        if (PQgetisnull(res, i, 1))
            continue;
        const char *ps[] = {PQgetvalue(res, i, 0), PQgetvalue(res, i, 1)}; /* NULL: never used, as the new one */
        if (run_params(dst, "SELECT setval($1::regclass, $2::bigint, true)", 2, ps, out, "setting a sequence") != 0)
            goto done;
    }
    PQclear(res);
    res = NULL;

    /* 5. verify on arrival: every table's rows counted on both sides, every audit chain recomputed */
    for (size_t i = 0; i < nt; ++i) {
        char sql[200];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i].name);
        char *a = scalar(src, sql, 0, NULL, out, "counting the source's rows"),
             *b = a != NULL ? scalar(dst, sql, 0, NULL, out, "counting the copied rows") : NULL;
        int same = b != NULL && strcmp(a, b) == 0 && atoll(a) == tables[i].rows;
        if (!same && b != NULL)
            fprintf(out, "daftar: %s: %s rows at the source, %s copied\n", tables[i].name, a, b);
        free(a);
        free(b);
        if (!same)
            goto done;
    }
    if (dft_audit_verify_copy(dst, c, master, code, out) != 0) {
        fprintf(out, "daftar: the audit chains do not verify on the destination; nothing switched\n");
        goto done;
    }
    if (run(dst, "COMMIT", out, "COMMIT") != 0)
        goto done;
    dst_open = 0;

    /* 6. the switch: one statement on main; every server sends the department to `to` from its NOTIFY */
    if (registry_move(c, code, NULL, to, out, "switching the registry") != 0)
        goto done;
    announced = 0;
    double window = now_s() - t0;
    /* 7. the source stays, read-only for the role: a server that has not yet taken the NOTIFY
     * still reads there, and the operator compares before dropping it */
    dft_buf_t rv = {0};
    q = PQescapeIdentifier(src, ident, strlen(ident));
    dft_buf_printf(&rv, "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA %s FROM %s", q, q);
    PQfreemem(q);
    int kept = run(src, rv.data, out, "making the source read-only") == 0 && run(src, "COMMIT", out, "COMMIT") == 0;
    dft_buf_dispose(&rv);
    src_open = 0;
    fprintf(out, "moved department %s from %s to %s: %zu tables, %lld rows verified, audit chains verified; "
                 "read-only window %.2f s\n", code, from, to, nt, total, window);
    fprintf(out, "the source copy (schema %s on cluster %s) is kept, read-only%s; drop it once checked: "
                 "DROP SCHEMA %s CASCADE\n", ident, from, kept ? "" : " (REVOKE failed: do it by hand)", ident);
    rc = 0;
done:
    if (res != NULL)
        PQclear(res);
    if (dst_open)
        run(dst, "ROLLBACK", out, "ROLLBACK");
    if (src_open)
        run(src, "ROLLBACK", out, "ROLLBACK");
    if (announced && registry_move(c, code, NULL, NULL, out, "ending the read-only window") == 0)
        fprintf(out, "daftar: department %s was not moved; it is writable again on cluster %s\n", code, from);
    for (size_t i = 0; tables != NULL && i < nt; ++i)
        free(tables[i].cols);
    free(tables);
    free(key);
    if (src != NULL)
        PQfinish(src);
    if (dst != NULL)
        PQfinish(dst);
    return rc;
}
