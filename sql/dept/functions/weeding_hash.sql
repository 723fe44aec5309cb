-- weeding_hash: what the records officer signs to weed a file (department
-- 0030): sha256 hex of "<manifest_hash>|<order_ref>|<ordered_by>", so the
-- signature covers what goes and on whose order; a client computes it
-- from the due list's manifest_hash.
CREATE OR REPLACE FUNCTION {schema}.weeding_hash(p_manifest_hash text, p_order_ref text, p_ordered_by text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(concat_ws('|', p_manifest_hash, p_order_ref, p_ordered_by), 'UTF8')), 'hex')
$$;
