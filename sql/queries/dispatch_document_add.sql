-- dispatch_document_add: see {schema}.dispatch_document_add. $1 dispatch, $2 filename, $3 type, $4 size, $5 sha256,
-- $6 encrypted, $7 content (binary).
SELECT {schema}.dispatch_document_add($1::uuid, $2, $3, $4::bigint, $5, $6::boolean, $7::bytea)
