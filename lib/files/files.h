/*
 * files.h — e-File: a department's files, their movement and track.
 * Who may see and do what is decided in SQL (sql/dept/0002_files.sql) from
 * the caller's settings, so lists and items can never disagree.
 */
#ifndef DFT_FILES_H
#define DFT_FILES_H

#include "../http/router.h"

extern const dft_route_table_t dft_files_routes;

#endif
