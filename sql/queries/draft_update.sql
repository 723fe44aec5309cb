-- draft_update: see {schema}.draft_edit. $1 file, $2 draft, $3 version read (If-Match), $4 subject, $5 body,
-- $6 addressees, $7 copies to, $8 enclosures (each null: unchanged).
SELECT draft, version FROM {schema}.draft_edit($1::uuid, $2::uuid, $3::int, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb)
