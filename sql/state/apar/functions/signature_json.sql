-- signature_json: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- A level's signature as the form shows it beside its part: who, with which
-- certificate, when (never the CMS itself).
CREATE OR REPLACE FUNCTION {schema}.signature_json(g {schema}.signatures) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('signer', g.uid, 'hash', g.hash, 'fingerprint', g.fingerprint, 'subject', g.subject,
                             'issuer', g.issuer, 'serial', g.serial, 'not_after', g.not_after,
                             'signing_time', g.signing_time, 'signed_at', g.at)
$$;
