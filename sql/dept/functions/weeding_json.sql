-- weeding_json: a weeding record as the API shows it (department 0030).
CREATE OR REPLACE FUNCTION {schema}.weeding_json(w {schema}.weedings) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('seq', w.seq, 'file_id', w.file_id, 'manifest', w.manifest, 'manifest_hash', w.manifest_hash,
                             'order_ref', w.order_ref, 'ordered_by', w.ordered_by, 'signed_hash', w.signed_hash,
                             'weeded_by', w.weeded_by,
                             'at', to_char(w.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                             'signer', json_build_object('fingerprint', w.fingerprint, 'subject', w.subject,
                                                         'issuer', w.issuer, 'serial', w.serial),
                             'prev_hash', w.prev_hash, 'hash', w.hash)
$$;
