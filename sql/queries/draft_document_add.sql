-- draft_document_add: see {schema}.draft_document_add. $1 file, $2 draft, $3 filename, $4 type, $5 size, $6 sha256,
-- $7 encrypted, $8 content (binary).
SELECT {schema}.draft_document_add($1::uuid, $2::uuid, $3, $4, $5::bigint, $6, $7::boolean, $8::bytea)
