-- note_json: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0003, 0005.
CREATE OR REPLACE FUNCTION {schema}.note_json(x {schema}.notes) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('n', x.n, 'author', x.author, 'body', x.body, 'status', x.status,
                             'created_at', to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'updated_at', to_char(x.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'hash', x.hash,
                             'signature', (SELECT {schema}.signature_json(s) FROM {schema}.note_signatures s
                                           WHERE s.file_id = x.file_id AND s.n = x.n))
$$;
