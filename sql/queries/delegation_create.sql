-- delegation_create: see {schema}.delegation_create. $1 delegate UID, $2 valid_from or null, $3 valid_until,
-- $4 reason, $5 Idempotency-Key or null, $6 request hash.
SELECT {schema}.delegation_create($1, $2::date, $3::date, $4, $5, $6)
