-- receipt_get: one receipt the caller may see.
SELECT {schema}.receipt_get($1::uuid)
