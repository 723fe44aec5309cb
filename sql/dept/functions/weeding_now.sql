-- weeding_now: this transaction wrote the weeding record of file p_file
-- (department 0030), so the guard triggers of its notes, signatures,
-- flags and documents let the weeding through. The department's role can
-- write no such record (weedings is read-only to it), so for it this is
-- never true; for the owner only inside file_weed, which writes the record
-- first: content never goes without the fact.
CREATE OR REPLACE FUNCTION {schema}.weeding_now(p_file uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM {schema}.weedings w WHERE w.file_id = p_file AND w.tx = pg_current_xact_id())
$$;
