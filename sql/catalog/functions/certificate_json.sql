-- certificate_json: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/catalog/ 0009.
CREATE OR REPLACE FUNCTION daftar.certificate_json(c daftar.certificates) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('fingerprint', c.fingerprint, 'subject', c.subject, 'issuer', c.issuer, 'serial', c.serial,
                             'not_before', to_char(c.not_before AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                             'not_after', to_char(c.not_after AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                             'registered_at', to_char(c.registered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
$$;
