-- dispatch_issue: see {schema}.dispatch_issue. $1 draft, $2 idempotency key or null, $3 request hash.
SELECT {schema}.dispatch_issue($1::uuid, $2, $3)
