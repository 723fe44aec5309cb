-- entry_json: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- A service book entry as the API shows it.
CREATE OR REPLACE FUNCTION {schema}.entry_json(e {schema}.service_book) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('n', e.n, 'kind', e.kind, 'effective', e.effective, 'details', e.details,
                             'corrects', e.corrects, 'dept', e.dept, 'entered_by', e.entered_by, 'entered_at', e.entered_at,
                             'status', e.status, 'attested_by', e.attested_by, 'attested_at', e.attested_at,
                             'hash', e.hash, 'version', e.version)
$$;
