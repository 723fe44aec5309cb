-- signature_json: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0005.
CREATE OR REPLACE FUNCTION {schema}.signature_json(s {schema}.note_signatures) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('signer', s.uid, 'subject', s.subject, 'issuer', s.issuer, 'serial', s.serial,
                             'fingerprint', s.fingerprint, 'hash', s.hash,
                             'signing_time', to_char(s.signing_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                             'verified_at', to_char(s.verified_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                             'certificate_valid_until', to_char(s.not_after AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
$$;
