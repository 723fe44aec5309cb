/*
 * sqlfiles.h — SQL files embedded at build time by lib/embed.py:
 * sql/catalog/NNNN_name.sql, sql/dept/NNNN_name.sql and sql/queries/name.sql.
 */
#ifndef DFT_SQLFILES_H
#define DFT_SQLFILES_H

#include <stddef.h>

typedef struct dft_sql_file_t {
    const char *group; /* "catalog", "dept" or "queries" */
    const char *name;  /* file name without .sql */
    const char *text;
} dft_sql_file_t;

extern const dft_sql_file_t dft_sql_files[];
extern const size_t dft_num_sql_files;

#endif
