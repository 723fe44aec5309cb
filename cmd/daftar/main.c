/*
 * main.c — `daftar <command> [options]`: dispatches to a subcommand.
 */
#include "commands.h"

#include "../../lib/core/core.h"
#include "../../lib/auth/auth.h"
#include "../../lib/auth/crypto.h"
#include "../../lib/core/log.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

typedef struct command_t {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command_t;

static const command_t commands[] = {
    {"serve", dft_cmd_serve, "run the HTTP API server"},
    {"migrate", dft_cmd_migrate, "bring the catalog and every department schema to the latest migration"},
    {"dept", dft_cmd_dept, "add, list, suspend and resume departments"},
    {"officer", dft_cmd_officer, "add officers (UID + temporary password), grant, revoke, suspend, reset passwords"},
    {"service", dft_cmd_service, "add and suspend service accounts of integrating systems"},
    {"keys", dft_cmd_keys, "rotate the token signing key"},
    {"audit", dft_cmd_audit, "anchor the departments' audit chains (checkpoint) and verify them"},
    {"certificate", dft_cmd_certificate, "verify a training certificate (a file holding its JWS)"},
    {"routes", dft_cmd_routes, "print every served route (method and path template)"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: daftar <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < DFT_ARRAY_SIZE(commands); ++i)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'daftar <command> --help' describes a command.\n");
}

int dft_cmd_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 1;
    return 0;
}

int dft_cmd_load_config(dft_config_t *config, const char *path)
{
    char err[300];
    dft_config_init(config);
    if ((path != NULL && dft_config_load_file(config, path, err, sizeof(err)) != 0) ||
        dft_config_load_env(config, err, sizeof(err)) != 0) {
        fprintf(stderr, "daftar: %s\n", err);
        return -1;
    }
    dft_password_set_cost((unsigned)config->password_scrypt_log_n);
    if (strcmp(config->log_level, "debug") == 0)
        dft_log_set_level(DFT_LOG_DEBUG);
    else if (strcmp(config->log_level, "warn") == 0)
        dft_log_set_level(DFT_LOG_WARN);
    else if (strcmp(config->log_level, "error") == 0)
        dft_log_set_level(DFT_LOG_ERROR);
    return 0;
}

int dft_cmd_config_option(int argc, char **argv, const char *help, const char **config_path)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}, {0}};
    int o;
    *config_path = NULL;
    while ((o = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
        if (o != 'c') {
            fputs(help, o == 'h' ? stdout : stderr);
            return o == 'h' ? 0 : 2;
        }
        *config_path = optarg;
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "worker-helper") == 0) /* started by the server only (lib/http/worker.h): not listed */
        return dft_hasher_serve(argv[2]);
    for (size_t i = 0; i < DFT_ARRAY_SIZE(commands); ++i)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "daftar: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 2;
}
