-- audit_export: a page of GET /v1/departments/{dept}/audit (functions/audit_export.sql); $1, $2: days or NULL;
-- $3, $4: the last chain and seq sent ('' and 0 at first).
SELECT lines, last_chain, last_seq, events FROM {schema}.audit_export($1::date, $2::date, $3, $4::bigint, $5::integer)
