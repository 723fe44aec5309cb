-- weeding_chain_hash: the hash of a weeding record (department 0030):
-- sha256(prev_hash || seq|at|file|manifest_hash|signed_hash|weeded_by|
-- fingerprint|sha256(cms)); file_weed writes it, weedings_verify checks it.
CREATE OR REPLACE FUNCTION {schema}.weeding_chain_hash(p_prev text, p_seq bigint, p_at timestamptz, p_file uuid,
                                                       p_manifest_hash text, p_signed_hash text, p_by text,
                                                       p_fingerprint text, p_cms bytea) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(p_prev || concat_ws('|', p_seq,
                                                        to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                                        p_file, p_manifest_hash, p_signed_hash, p_by, p_fingerprint,
                                                        encode(sha256(p_cms), 'hex')), 'UTF8')), 'hex')
$$;
