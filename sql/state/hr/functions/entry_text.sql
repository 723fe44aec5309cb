-- entry_text: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The canonical text of an attested service book entry that its hash covers.
CREATE OR REPLACE FUNCTION {schema}.entry_text(e {schema}.service_book) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(E'\x1f', e.uid, e.n, e.kind, e.effective, e.details, coalesce(e.corrects::text, ''), e.dept,
                     e.entered_by, e.attested_by, e.chain, to_char(e.attested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
$$;
