-- notes_verify: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0003.
-- Recomputes the chain of final notes: {"ok", "checked", "first_broken"}.
CREATE OR REPLACE FUNCTION {schema}.notes_verify(p_id uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
    x {schema}.notes;
    v_prev text := repeat('0', 64);
    v_count integer := 0;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = p_id;
    IF NOT FOUND OR NOT {schema}.may_see(f) THEN
        RETURN NULL;
    END IF;
    FOR x IN SELECT * FROM {schema}.notes WHERE file_id = p_id AND status = 'final' ORDER BY n LOOP
        v_count := v_count + 1;
        IF x.n <> v_count OR x.prev_hash IS DISTINCT FROM v_prev OR x.hash IS DISTINCT FROM {schema}.note_hash(v_prev, x) THEN
            RETURN json_build_object('ok', false, 'checked', v_count, 'first_broken', x.n);
        END IF;
        v_prev := x.hash;
    END LOOP;
    RETURN json_build_object('ok', true, 'checked', v_count, 'first_broken', NULL);
END
$$;
