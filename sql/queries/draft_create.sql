-- draft_create: see {schema}.draft_create. $1 file, $2 subject, $3 body, $4 addressees (JSON), $5 copies to (JSON),
-- $6 enclosures (JSON list of document ids), $7 idempotency key or null, $8 request hash.
SELECT created, version FROM {schema}.draft_create($1::uuid, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8)
