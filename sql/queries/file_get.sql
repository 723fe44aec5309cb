-- file_get: one file the caller may see, its version for the ETag; reading a confidential or secret
-- file appends audit event file.read; the holder reading it marks it opened (file_opened: the inbox item's
-- `received.opened`; not in a read-only transaction: the degraded read-only mode reads from a standby,
-- lib/db/db.c). One statement, not a plpgsql function: may_see and file_json
-- inline into it and the plan is cached with the prepared statement (bench/: pgbench 23,000-25,000
-- transactions a second through the function, 29,500-30,600 this way, on the same machine).
SELECT {schema}.file_json(f), f.version,
       CASE WHEN f.classification IN ('confidential', 'secret') THEN {schema}.audit('file.read', f.id, '{}') END,
       CASE WHEN f.holder = {schema}.me() AND NOT current_setting('transaction_read_only')::boolean
            THEN {schema}.file_opened(f.id, f.holder) END
FROM {schema}.files f
WHERE f.id = $1::uuid AND {schema}.may_see(f)
