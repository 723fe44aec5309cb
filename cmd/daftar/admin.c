/*
 * admin.c — `daftar migrate` and `daftar dept ...`: connect with the owner's
 * connection string (db_admin_dsn) and call lib/tenant's administration.
 */
#include "commands.h"

#include "../../lib/auth/auth.h"
#include "../../lib/auth/crypto.h"
#include "../../lib/core/core.h"
#include "../../lib/tenant/tenant.h"
#include "../../lib/training/training.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void quiet(void *arg, const char *message)
{
    (void)arg, (void)message; /* "already exists, skipping" notices are expected on re-runs */
}

static PGconn *connect_admin(const dft_config_t *config)
{
    if (config->db_admin_dsn[0] == '\0') {
        fprintf(stderr, "daftar: db_admin_dsn is not set (config file or DAFTAR_DB_ADMIN_DSN)\n");
        return NULL;
    }
    PGconn *c = PQconnectdb(config->db_admin_dsn);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "daftar: cannot connect to the database: %s", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, quiet, NULL);
    return c;
}

/* The owner's DSNs of the department clusters (cluster_admin_dsns); -1 when malformed. */
static int admin_clusters(const dft_config_t *config, dft_cluster_t *out)
{
    char err[200];
    int n = dft_clusters_parse(config->cluster_admin_dsns, out, DFT_MAX_CLUSTERS, err, sizeof(err));
    if (n < 0)
        fprintf(stderr, "daftar: cluster_admin_dsns: %s\n", err);
    return n;
}

static const char migrate_help[] = "usage: daftar migrate [--config FILE]\n"
                                   "\n"
                                   "Applies the catalog migrations (sql/catalog) and brings every department\n"
                                   "schema to the latest department migration (sql/dept). Forward-only and\n"
                                   "idempotent; safe to run while servers run. Connects with db_admin_dsn, and\n"
                                   "with cluster_admin_dsns to each department cluster (which gets its own copy\n"
                                   "of the catalog's schema and its departments' migrations).\n";

int dft_cmd_migrate(int argc, char **argv)
{
    const char *config_path;
    int usage = dft_cmd_config_option(argc, argv, migrate_help, &config_path);
    if (usage >= 0)
        return usage;
    dft_config_t config;
    if (dft_cmd_load_config(&config, config_path) != 0)
        return 2;
    dft_cluster_t admins[DFT_MAX_CLUSTERS];
    int na = admin_clusters(&config, admins);
    if (na < 0)
        return 2;
    PGconn *c = connect_admin(&config);
    if (c == NULL)
        return 1;
    int rc = dft_migrate(c, admins, (size_t)na, stdout);
    PQfinish(c);
    dft_clusters_dispose(admins, (size_t)na);
    dft_config_dispose(&config);
    if (rc == 0)
        puts("migrations are current");
    return rc == 0 ? 0 : 1;
}

static const char dept_help[] =
    "usage: daftar dept <action> [--config FILE]\n"
    "\n"
    "  add CODE --name NAME [--name-hi NAME] [--cluster NAME]\n"
    "                                          add a department (code: ^[a-z][a-z0-9_]{1,30}$) on a cluster of\n"
    "                                          cluster_admin_dsns (default main: db_admin_dsn's)\n"
    "  move CODE --to NAME                     move it to another cluster: read-only for every server while\n"
    "                                          its schema and rows are copied, counts and audit chains\n"
    "                                          verified on arrival, then switched (needs master_key)\n"
    "  list                                    list departments\n"
    "  suspend CODE                            refuse its routes (403) on every running server\n"
    "  resume CODE                             serve it again\n"
    "  set CODE --trusted-cidrs LIST           networks allowed to read confidential files (\"\" for none)\n"
    "\n"
    "Running servers see a change within a second (LISTEN/NOTIFY). Connects with db_admin_dsn.\n";

int dft_cmd_dept(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'}, {"name", required_argument, NULL, 'n'},
                                         {"name-hi", required_argument, NULL, 'H'}, {"help", no_argument, NULL, 'h'},
                                         {"trusted-cidrs", required_argument, NULL, 'T'},
                                         {"cluster", required_argument, NULL, 'K'}, {"to", required_argument, NULL, 't'},
                                         {0}};
    const char *config_path = NULL, *name = NULL, *name_hi = NULL, *cidrs = NULL, *cluster = NULL, *to = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "c:n:H:h", opts, NULL)) != -1) {
        switch (o) {
        case 'c':
            config_path = optarg;
            break;
        case 'n':
            name = optarg;
            break;
        case 'H':
            name_hi = optarg;
            break;
        case 'T':
            cidrs = optarg;
            break;
        case 'K':
            cluster = optarg;
            break;
        case 't':
            to = optarg;
            break;
        default:
            fputs(dept_help, o == 'h' ? stdout : stderr);
            return o == 'h' ? 0 : 2;
        }
    }
    const char *action = optind < argc ? argv[optind] : NULL, *code = optind + 1 < argc ? argv[optind + 1] : NULL;
    int needs_code = action != NULL && strcmp(action, "list") != 0;
    if (action == NULL || (needs_code && code == NULL) ||
        (strcmp(action, "add") != 0 && strcmp(action, "list") != 0 && strcmp(action, "suspend") != 0 &&
         strcmp(action, "resume") != 0 && strcmp(action, "set") != 0 && strcmp(action, "move") != 0) ||
        (strcmp(action, "set") == 0 && cidrs == NULL) || (strcmp(action, "move") == 0 && to == NULL)) {
        fputs(dept_help, stderr);
        return 2;
    }
    dft_config_t config;
    if (dft_cmd_load_config(&config, config_path) != 0)
        return 2;
    dft_cluster_t admins[DFT_MAX_CLUSTERS];
    int na = admin_clusters(&config, admins);
    if (na < 0)
        return 2;
    PGconn *c = connect_admin(&config);
    if (c == NULL)
        return 1;
    int rc;
    unsigned char master[32];
    if (strcmp(action, "move") == 0 && dft_master_key_parse(config.master_key, master) != 0) {
        fprintf(stderr, "daftar: master_key must be 64 hex digits (DAFTAR_MASTER_KEY): the move verifies the audit chains\n");
        rc = -1;
    } else if (strcmp(action, "move") == 0)
        rc = dft_dept_move(c, config.db_admin_dsn, code, to, admins, (size_t)na, master, stdout);
    else if (strcmp(action, "add") == 0)
        rc = dft_dept_add(c, code, name, name_hi, cluster, admins, (size_t)na, stdout);
    else if (strcmp(action, "list") == 0)
        rc = dft_dept_list(c, stdout);
    else if (strcmp(action, "set") == 0)
        rc = dft_dept_set_trusted(c, code, cidrs, stdout);
    else
        rc = dft_dept_set_status(c, code, strcmp(action, "suspend") == 0 ? "suspended" : "active", stdout);
    PQfinish(c);
    dft_clusters_dispose(admins, (size_t)na);
    dft_config_dispose(&config);
    return rc == 0 ? 0 : 1;
}

static const char officer_help[] =
    "usage: daftar officer <action> [options] [--config FILE]\n"
    "\n"
    "  add --dept CODE --name NAME --role R[,R] [--designation D] [--clearance C] [--password-file F]\n"
    "        prints the new UID and a one-time temporary password (changed at first login);\n"
    "        with --password-file the password is set as given and need not be changed\n"
    "  grant UID --dept CODE --role R[,R] [--designation D]   add or replace a membership\n"
    "  revoke UID --dept CODE                                 remove a membership\n"
    "  suspend UID                                            stop every token of the officer at once\n"
    "  reset-password UID                                     new temporary password\n"
    "  reset-second-factor UID                                remove the second factor (a dept_admin's too); enrols again\n"
    "\n"
    "Clearance: unclassified, restricted (default), confidential, secret.\n";

static void officer_usage(FILE *out)
{
    fputs(officer_help, out);
    fputs("Roles: ", out);
    dft_roles_print(out);
    fputs(".\n", out);
}

static int read_secret_file(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, size - 1, f);
    fclose(f);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        --n;
    buf[n] = '\0';
    return n > 0 ? 0 : -1;
}

int dft_cmd_officer(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},      {"dept", required_argument, NULL, 'd'},
        {"name", required_argument, NULL, 'n'},        {"role", required_argument, NULL, 'r'},
        {"designation", required_argument, NULL, 'D'}, {"clearance", required_argument, NULL, 'C'},
        {"password-file", required_argument, NULL, 'P'}, {"help", no_argument, NULL, 'h'},
        {0}};
    const char *config_path = NULL, *dept = NULL, *name = NULL, *role = NULL, *designation = NULL, *clearance = NULL,
               *pwfile = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "c:d:n:r:D:C:P:h", opts, NULL)) != -1) {
        switch (o) {
        case 'c': config_path = optarg; break;
        case 'd': dept = optarg; break;
        case 'n': name = optarg; break;
        case 'r': role = optarg; break;
        case 'D': designation = optarg; break;
        case 'C': clearance = optarg; break;
        case 'P': pwfile = optarg; break;
        default:
            officer_usage(o == 'h' ? stdout : stderr);
            return o == 'h' ? 0 : 2;
        }
    }
    const char *action = optind < argc ? argv[optind] : NULL, *uid = optind + 1 < argc ? argv[optind + 1] : NULL;
    if (action == NULL || (strcmp(action, "add") != 0 && uid == NULL)) {
        officer_usage(stderr);
        return 2;
    }
    char password[257];
    if (pwfile != NULL && read_secret_file(pwfile, password, sizeof(password)) != 0) {
        fprintf(stderr, "daftar: cannot read a password from %s\n", pwfile);
        return 2;
    }
    dft_config_t config;
    if (dft_cmd_load_config(&config, config_path) != 0)
        return 2;
    PGconn *c = connect_admin(&config);
    if (c == NULL)
        return 1;
    int rc;
    if (strcmp(action, "add") == 0)
        rc = dft_officer_add(c, dept, name, designation, role, clearance, pwfile ? password : NULL, stdout);
    else if (strcmp(action, "grant") == 0)
        rc = dft_officer_grant(c, uid, dept, role, designation, stdout);
    else if (strcmp(action, "revoke") == 0)
        rc = dft_officer_revoke(c, uid, dept, stdout);
    else if (strcmp(action, "suspend") == 0)
        rc = dft_officer_suspend(c, uid, stdout);
    else if (strcmp(action, "reset-password") == 0)
        rc = dft_officer_reset_password(c, uid, stdout);
    else if (strcmp(action, "reset-second-factor") == 0)
        rc = dft_officer_reset_second_factor(c, uid, stdout);
    else {
        officer_usage(stderr);
        rc = -2;
    }
    memset(password, 0, sizeof(password));
    PQfinish(c);
    dft_config_dispose(&config);
    return rc == 0 ? 0 : rc == -2 ? 2 : 1;
}

static const char keys_help[] = "usage: daftar keys rotate [--publish-ahead SECONDS] [--config FILE]\n"
                                "\n"
                                "Makes a new ES256 signing key, encrypted with master_key. It is published in\n"
                                "/.well-known/jwks.json at once and signs tokens after --publish-ahead seconds\n"
                                "(default 300, so verifiers that cache the JWKS learn it first). The key it\n"
                                "replaces stays published until its last token has expired.\n";

int dft_cmd_keys(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"publish-ahead", required_argument, NULL, 'a'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *config_path = NULL;
    int64_t ahead = 300;
    int o;
    while ((o = getopt_long(argc, argv, "c:a:h", opts, NULL)) != -1) {
        if (o == 'c') {
            config_path = optarg;
        } else if (o == 'a' && dft_parse_int64(optarg, strlen(optarg), 0, 86400, &ahead) == 0) {
        } else {
            fputs(keys_help, o == 'h' ? stdout : stderr);
            return o == 'h' ? 0 : 2;
        }
    }
    if (optind >= argc || strcmp(argv[optind], "rotate") != 0) {
        fputs(keys_help, stderr);
        return 2;
    }
    dft_config_t config;
    if (dft_cmd_load_config(&config, config_path) != 0)
        return 2;
    unsigned char key[32];
    if (dft_master_key_parse(config.master_key, key) != 0) {
        fprintf(stderr, "daftar: master_key must be 64 hex digits (DAFTAR_MASTER_KEY)\n");
        return 2;
    }
    PGconn *c = connect_admin(&config);
    if (c == NULL)
        return 1;
    int rc = dft_keys_rotate(c, key, ahead, config.access_ttl, stdout);
    dft_wipe(key, sizeof(key));
    PQfinish(c);
    dft_config_dispose(&config);
    return rc == 0 ? 0 : 1;
}

static const char service_help[] =
    "usage: daftar service <action> [options] [--config FILE]\n"
    "\n"
    "  add --dept CODE --name NAME --role R[,R] [--scope S[,S]]   prints client_id and client_secret (once)\n"
    "  suspend CLIENT_ID                                           its tokens are refused at once\n"
    "\n"
    "Service accounts get tokens with grant_type client_credentials; they never hold admin roles.\n"
    "A route opens to a service account only with its scope (daftar routes shows each route's):\n"
    "files:read, files:write, receipts:read, receipts:write. Routes without one are for officers only.\n";

int dft_cmd_service(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'}, {"dept", required_argument, NULL, 'd'},
                                         {"name", required_argument, NULL, 'n'},   {"role", required_argument, NULL, 'r'},
                                         {"scope", required_argument, NULL, 's'},  {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *config_path = NULL, *dept = NULL, *name = NULL, *role = NULL, *scope = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "c:d:n:r:s:h", opts, NULL)) != -1) {
        switch (o) {
        case 'c': config_path = optarg; break;
        case 'd': dept = optarg; break;
        case 'n': name = optarg; break;
        case 'r': role = optarg; break;
        case 's': scope = optarg; break;
        default:
            fputs(service_help, o == 'h' ? stdout : stderr);
            return o == 'h' ? 0 : 2;
        }
    }
    const char *action = optind < argc ? argv[optind] : NULL, *id = optind + 1 < argc ? argv[optind + 1] : NULL;
    if (action == NULL || (strcmp(action, "add") != 0 && (strcmp(action, "suspend") != 0 || id == NULL))) {
        fputs(service_help, stderr);
        return 2;
    }
    if (scope != NULL && strspn(scope, "abcdefghijklmnopqrstuvwxyz0123456789:_,.-") != strlen(scope)) {
        fprintf(stderr, "daftar: scopes are words of [a-z0-9:_.-] separated by commas\n");
        return 2;
    }
    dft_config_t config;
    if (dft_cmd_load_config(&config, config_path) != 0)
        return 2;
    PGconn *c = connect_admin(&config);
    if (c == NULL)
        return 1;
    int rc = strcmp(action, "add") == 0 ? dft_service_add(c, dept, name, role, scope, stdout) : dft_service_suspend(c, id, stdout);
    PQfinish(c);
    dft_config_dispose(&config);
    return rc == 0 ? 0 : 1;
}

static const char audit_help[] =
    "usage: daftar audit checkpoint|verify [--dept CODE] [--anchors FILE] [--config FILE]\n"
    "       daftar audit verify EXPORT\n"
    "\n"
    "  checkpoint   record the head of each department's audit chain (or CODE's) when it moved since\n"
    "               its last checkpoint, MAC'd under a key derived from master_key; prints one line\n"
    "               a checkpoint: keep them outside the database. Servers do this by themselves every\n"
    "               audit_checkpoint_s and log the same lines.\n"
    "  verify       recompute every chain and check it against every checkpoint, the catalog's and\n"
    "               (--anchors) the checkpoint lines of FILE (this command's output, the servers'\n"
    "               logs): a changed event, a broken link, deleted newest events or a forged\n"
    "               checkpoint make it exit 1. With EXPORT (an NDJSON export of GET\n"
    "               /v1/departments/{dept}/audit): offline, no database or key: each event's hash\n"
    "               recomputed, each link and the sequence; a changed, missing or reordered event\n"
    "               makes it exit 1. It prints the last hash, to compare with a checkpoint line.\n";

int dft_cmd_audit(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"dept", required_argument, NULL, 'd'},
                                         {"anchors", required_argument, NULL, 'a'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *config_path = NULL, *dept = NULL, *anchors = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "c:d:a:h", opts, NULL)) != -1) {
        if (o == 'c') {
            config_path = optarg;
        } else if (o == 'd') {
            dept = optarg;
        } else if (o == 'a') {
            anchors = optarg;
        } else {
            fputs(audit_help, o == 'h' ? stdout : stderr);
            return o == 'h' ? 0 : 2;
        }
    }
    const char *action = optind < argc ? argv[optind] : "";
    if (strcmp(action, "verify") == 0 && optind + 1 < argc) { /* an export, offline */
        if (optind + 2 < argc || dept != NULL || anchors != NULL || config_path != NULL) {
            fputs(audit_help, stderr);
            return 2;
        }
        return dft_audit_verify_export(argv[optind + 1], stdout) == 0 ? 0 : 1;
    }
    if ((strcmp(action, "checkpoint") != 0 && strcmp(action, "verify") != 0) ||
        (anchors != NULL && strcmp(action, "verify") != 0)) {
        fputs(audit_help, stderr);
        return 2;
    }
    dft_config_t config;
    if (dft_cmd_load_config(&config, config_path) != 0)
        return 2;
    unsigned char key[32];
    if (dft_master_key_parse(config.master_key, key) != 0) {
        fprintf(stderr, "daftar: master_key must be 64 hex digits (DAFTAR_MASTER_KEY)\n");
        dft_config_dispose(&config);
        return 2;
    }
    PGconn *c = connect_admin(&config);
    int rc = c == NULL ? -1
             : strcmp(action, "checkpoint") == 0 ? dft_audit_checkpoint(c, key, dept, stdout)
                                                 : dft_audit_verify(c, key, dept, anchors, stdout);
    dft_wipe(key, sizeof(key));
    PQfinish(c);
    dft_config_dispose(&config);
    return rc >= 0 ? 0 : 1;
}

static const char certificate_help[] =
    "usage: daftar certificate verify FILE [--config FILE]\n"
    "\n"
    "Checks the training certificate in FILE (its compact JWS, as a QR code holds it; - reads stdin) as\n"
    "POST /v1/certificates/verify does: the signature with the key its header names (published or\n"
    "retired), then the completion it names: exists, matches, not revoked, not expired. Prints the\n"
    "answer as JSON; exits 0 when valid, 1 when not (or the database failed), 2 on usage.\n"
    "Connects with db_admin_dsn.\n";

int dft_cmd_certificate(int argc, char **argv)
{
    const char *config_path;
    int usage = dft_cmd_config_option(argc, argv, certificate_help, &config_path);
    if (usage >= 0)
        return usage;
    if (optind + 2 != argc || strcmp(argv[optind], "verify") != 0) {
        fputs(certificate_help, stderr);
        return 2;
    }
    const char *path = argv[optind + 1];
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "daftar: cannot read %s\n", path);
        return 2;
    }
    char token[DFT_AUTH_MAX_TOKEN + 2];
    size_t n = fread(token, 1, sizeof(token) - 1, f);
    if (f != stdin)
        fclose(f);
    while (n > 0 && (token[n - 1] == '\n' || token[n - 1] == '\r' || token[n - 1] == ' '))
        --n;
    token[n] = '\0';
    dft_config_t config;
    if (dft_cmd_load_config(&config, config_path) != 0)
        return 2;
    PGconn *c = connect_admin(&config);
    int rc = c == NULL ? -1 : dft_training_certificate_verify(c, config.jwt_issuer, token, stdout);
    PQfinish(c);
    dft_config_dispose(&config);
    return rc == 0 ? 0 : 1;
}
