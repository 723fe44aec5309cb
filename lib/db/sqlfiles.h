/*
 * sqlfiles.h — SQL files embedded at build time by lib/embed.py:
 * sql/catalog/NNNN_name.sql, sql/dept/NNNN_name.sql (migrations),
 * sql/state/<scope>/NNNN_name.sql (a statewide scope's migrations),
 * sql/{catalog,dept,state/<scope>,scoped}/functions/name.sql (one function,
 * view, trigger or table's policies each, re-applied when changed; scoped/:
 * to every department and statewide scope) and sql/queries/name.sql.
 */
#ifndef DFT_SQLFILES_H
#define DFT_SQLFILES_H

#include <stddef.h>

typedef struct dft_sql_file_t {
    const char *group;  /* "catalog", "dept", "state/<scope>", each with "/functions"; "scoped/functions"; "queries" */
    const char *name;   /* file name without .sql */
    const char *sha256; /* of the file, hex */
    const char *text;
} dft_sql_file_t;

/* A function group's digest: SHA-256 (hex) of its files' SHA-256s in name order. */
typedef struct dft_sql_digest_t {
    const char *group, *sha256;
} dft_sql_digest_t;

extern const dft_sql_file_t dft_sql_files[];
extern const size_t dft_num_sql_files;
extern const dft_sql_digest_t dft_sql_digests[]; /* ends with {NULL, NULL} */

#endif
