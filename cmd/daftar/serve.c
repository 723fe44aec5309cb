/*
 * serve.c — `daftar serve`: loads the config and runs the server.
 */
#include "commands.h"

#include "../../lib/core/log.h"
#include "../../lib/auth/auth.h"
#include "../../lib/dispatch/dispatch.h"
#include "../../lib/events/events.h"
#include "../../lib/files/files.h"
#include "../../lib/http/server.h"
#include "../../lib/routes.h"
#include "../../lib/tenant/tenant.h"
#include "../../lib/timers/timers.h"

#include <getopt.h>
#include <stdio.h>

static const char help[] = "usage: daftar serve [--config FILE]\n"
                           "\n"
                           "Runs the API server in the foreground until SIGTERM or SIGINT, which\n"
                           "drain in-flight requests (a second signal exits at once).\n"
                           "\n"
                           "  -c, --config FILE   settings as 'key = value' lines; every key can also\n"
                           "                      be set by the environment as DAFTAR_<KEY>, which wins.\n"
                           "\n"
                           "See deploy/daftar.conf.example for the keys.\n";

int dft_cmd_serve(int argc, char **argv)
{
    const char *config_path;
    int usage = dft_cmd_config_option(argc, argv, help, &config_path);
    if (usage >= 0)
        return usage;
    static dft_config_t config;
    if (dft_cmd_load_config(&config, config_path) != 0)
        return 2;
    dft_server_t *server = dft_server_new(&config, dft_route_tables, dft_num_route_tables);
    if (server == NULL)
        return 1;
    dft_db_attach(server);
    dft_tenant_attach(server);
    dft_auth_attach(server);
    if (dft_files_attach(server) != 0 || dft_events_attach(server) != 0 || dft_timers_start(server) != 0 ||
        dft_dispatch_mailer_start(server) != 0)
        return 2;
    return dft_server_run(server);
}

int dft_cmd_routes(int argc, char **argv)
{
    if (dft_cmd_wants_help(argc, argv)) {
        puts("usage: daftar routes\n\nPrints every served route as 'METHOD PATH NAME [SCOPE]', one a line\n"
             "(SCOPE: what a service account needs; none: officers only).");
        return 0;
    }
    for (size_t t = 0; t < dft_num_route_tables; ++t)
        for (size_t i = 0; i < dft_route_tables[t]->count; ++i) {
            const dft_route_t *r = &dft_route_tables[t]->routes[i];
            printf("%s %s %s%s%s\n", r->method, r->path, r->name, r->scope ? " " : "", r->scope ? r->scope : "");
        }
    return 0;
}
