/*
 * commands.h — the subcommands of the daftar binary. Each takes argc/argv
 * after its own name and returns the process exit status. No business logic
 * lives in cmd/: commands parse arguments and call into lib/.
 */
#ifndef DFT_COMMANDS_H
#define DFT_COMMANDS_H

#include "../../lib/core/config.h"

int dft_cmd_serve(int argc, char **argv);
int dft_cmd_routes(int argc, char **argv);
int dft_cmd_migrate(int argc, char **argv);
int dft_cmd_dept(int argc, char **argv);
int dft_cmd_officer(int argc, char **argv);
int dft_cmd_keys(int argc, char **argv);
int dft_cmd_service(int argc, char **argv);
int dft_cmd_audit(int argc, char **argv);
int dft_cmd_certificate(int argc, char **argv);

/* Shared by commands: loads defaults, then --config FILE, then DAFTAR_*; 0 or -1 (message printed). */
int dft_cmd_load_config(dft_config_t *config, const char *path);
/* The options of a command that takes only --config FILE and --help: *config_path set, and -1 to go on;
 * else the exit status (0 after --help printed help to stdout, 2 after a usage error printed it to stderr). */
int dft_cmd_config_option(int argc, char **argv, const char *help, const char **config_path);
/* True when argv holds -h or --help. */
int dft_cmd_wants_help(int argc, char **argv);

#endif
