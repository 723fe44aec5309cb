/*
 * segment.h — the statements daftar sends around each job's own: the session
 * setting of every connection and the setup statement that opens every Sync
 * segment (role, read-only, officer, request, client, clearance, roles, otp,
 * trusted network, department). One header so that bench/driver.c, the
 * database's own limit on daftar's work, sends exactly what lib/db/db.c sends.
 */
#ifndef DFT_DB_SEGMENT_H
#define DFT_DB_SEGMENT_H

/* Sent once a connection: generic plans for every prepared statement (see lib/db/db.c, "Plans"), and no JIT
 * compilation. PostgreSQL's default (jit on, above an estimated cost of 100,000) compiled the whole generic plan
 * of a statement whose estimate passed it, branches never executed included: ~100 ms at every execution of
 * receipts_list at state scale (1.25 ms without), for a statement that reads a page; nothing daftar asks runs
 * long enough to repay a compilation. */
#define DFT_DB_SESSION_SQL                                                                                            \
    "SELECT set_config('plan_cache_mode', 'force_generic_plan', false), set_config('jit', 'off', false)"

/* The first statement of every segment, prepared once a connection as DFT_DB_SETUP_NAME. */
#define DFT_DB_SETUP_NAME "s"
#define DFT_DB_SETUP_PARAMS 10
#define DFT_DB_SETUP_SQL                                                                                              \
    "SELECT set_config('role', $1, true), set_config('transaction_read_only', $2, true), "                            \
    "set_config('daftar.officer_uid', $3, true), set_config('daftar.request_id', $4, true), "                         \
    "set_config('daftar.client_addr', $5, true), set_config('daftar.clearance', $6, true), "                          \
    "set_config('daftar.roles', $7, true), set_config('daftar.otp', $8, true), set_config('daftar.trusted', $9, true), " \
    "set_config('daftar.dept', $10, true)"

#endif
