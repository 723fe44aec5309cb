-- notes_seal: the drafts of a file up to note p_upto become final, their
-- hashes computed afresh from their content (notes_rechain). The only way a
-- note becomes final: it runs as the schema's owner, and the department's
-- role may neither insert a final note nor set status or hashes (0014_evidence).
CREATE OR REPLACE FUNCTION {schema}.notes_seal(p_id uuid, p_upto integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    PERFORM {schema}.notes_rechain(p_id);
    UPDATE {schema}.notes SET status = 'final', finalized_at = now() WHERE file_id = p_id AND status = 'draft' AND n <= p_upto;
END
$$;
