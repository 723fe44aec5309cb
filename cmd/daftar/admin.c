/*
 * admin.c — `daftar migrate` and `daftar dept ...`: connect with the owner's
 * connection string (db_admin_dsn) and call lib/tenant's administration.
 */
#include "commands.h"

#include "../../lib/tenant/tenant.h"

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

static const char migrate_help[] = "usage: daftar migrate [--config FILE]\n"
                                   "\n"
                                   "Applies the catalog migrations (sql/catalog) and brings every department\n"
                                   "schema to the latest department migration (sql/dept). Forward-only and\n"
                                   "idempotent; safe to run while servers run. Connects with db_admin_dsn.\n";

int dft_cmd_migrate(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}, {0}};
    const char *config_path = NULL;
    int o;
    while ((o = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        if (o == 'c') {
            config_path = optarg;
        } else {
            fputs(migrate_help, o == 'h' ? stdout : stderr);
            return o == 'h' ? 0 : 2;
        }
    }
    dft_config_t config;
    if (dft_cmd_load_config(&config, config_path) != 0)
        return 2;
    PGconn *c = connect_admin(&config);
    if (c == NULL)
        return 1;
    int rc = dft_migrate(c, stdout);
    PQfinish(c);
    dft_config_dispose(&config);
    if (rc == 0)
        puts("migrations are current");
    return rc == 0 ? 0 : 1;
}

static const char dept_help[] =
    "usage: daftar dept <action> [--config FILE]\n"
    "\n"
    "  add CODE --name NAME [--name-hi NAME]   add a department (code: ^[a-z][a-z0-9_]{1,30}$)\n"
    "  list                                    list departments\n"
    "  suspend CODE                            refuse its routes (403) on every running server\n"
    "  resume CODE                             serve it again\n"
    "\n"
    "Running servers see a change within a second (LISTEN/NOTIFY). Connects with db_admin_dsn.\n";

int dft_cmd_dept(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'}, {"name", required_argument, NULL, 'n'},
                                         {"name-hi", required_argument, NULL, 'H'}, {"help", no_argument, NULL, 'h'},
                                         {0}};
    const char *config_path = NULL, *name = NULL, *name_hi = NULL;
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
        default:
            fputs(dept_help, o == 'h' ? stdout : stderr);
            return o == 'h' ? 0 : 2;
        }
    }
    const char *action = optind < argc ? argv[optind] : NULL, *code = optind + 1 < argc ? argv[optind + 1] : NULL;
    int needs_code = action != NULL && strcmp(action, "list") != 0;
    if (action == NULL || (needs_code && code == NULL) ||
        (strcmp(action, "add") != 0 && strcmp(action, "list") != 0 && strcmp(action, "suspend") != 0 &&
         strcmp(action, "resume") != 0)) {
        fputs(dept_help, stderr);
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
        rc = dft_dept_add(c, code, name, name_hi, stdout);
    else if (strcmp(action, "list") == 0)
        rc = dft_dept_list(c, stdout);
    else
        rc = dft_dept_set_status(c, code, strcmp(action, "suspend") == 0 ? "suspended" : "active", stdout);
    PQfinish(c);
    dft_config_dispose(&config);
    return rc == 0 ? 0 : 1;
}
