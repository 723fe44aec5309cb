-- note_signature: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0005.
-- A stored signature with what the server needs to verify it again.
CREATE OR REPLACE FUNCTION {schema}.note_signature(p_id uuid, p_n integer) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('signature', {schema}.signature_json(s), 'note_hash', x.hash,
                             'cms', translate(encode(s.cms, 'base64'), E'\n', ''),
                             'certificate', (SELECT translate(encode(c.der, 'base64'), E'\n', '')
                                             FROM daftar.certificates c WHERE c.fingerprint = s.fingerprint))
    FROM {schema}.files f
    JOIN {schema}.notes x ON x.file_id = f.id AND x.n = p_n
    JOIN {schema}.note_signatures s ON s.file_id = x.file_id AND s.n = x.n
    WHERE f.id = p_id AND {schema}.may_see(f)
$$;
