-- notes_rechain: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0005.
-- Recomputes prev_hash and hash of the drafts of a file, in order after the last final note.
-- Runs as the schema's owner: the department's role may not write hashes itself (0014_evidence),
-- so every hash is computed here from the notes' content.
CREATE OR REPLACE FUNCTION {schema}.notes_rechain(p_id uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_prev text := coalesce((SELECT hash FROM {schema}.notes WHERE file_id = p_id AND status = 'final'
                             ORDER BY n DESC LIMIT 1), repeat('0', 64));
    x {schema}.notes;
BEGIN
    FOR x IN SELECT * FROM {schema}.notes WHERE file_id = p_id AND status = 'draft' ORDER BY n FOR UPDATE LOOP
        x.prev_hash := v_prev;
        x.hash := {schema}.note_hash(v_prev, x);
        UPDATE {schema}.notes SET prev_hash = x.prev_hash, hash = x.hash WHERE file_id = p_id AND n = x.n;
        v_prev := x.hash;
    END LOOP;
END
$$;
