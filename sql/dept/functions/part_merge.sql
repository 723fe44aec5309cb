-- part_merge: whoever holds both a part file and its main file (the main is
-- back) merges the part: its drafts become final (the part is closed, a
-- movement of its own), then its final notes join the main notesheet after
-- its last note, in order, with their authors and times, and are sealed
-- into the main chain (notes_seal), so notes/verify verifies both files;
-- part_merges records which note became which. The main must have no draft
-- notes (409: they would be sealed with the merge). If-Match the part's
-- version. Returns the main file and the mapping. Department 0028.
CREATE OR REPLACE FUNCTION {schema}.part_merge(p_part uuid, p_version integer) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    p {schema}.files := {schema}.held_file(p_part);
    m {schema}.files;
    x {schema}.notes;
    v_n integer;
    v_seq integer;
BEGIN
    IF p.parent_id IS NULL THEN
        RAISE EXCEPTION 'This is not a part file.' USING ERRCODE = 'DF422';
    END IF;
    IF p.version <> p_version THEN
        RAISE EXCEPTION 'The file has changed since you read it.' USING ERRCODE = 'DF412';
    END IF;
    m := {schema}.held_file(p.parent_id);
    IF EXISTS (SELECT 1 FROM {schema}.notes WHERE file_id = m.id AND status = 'draft') THEN
        RAISE EXCEPTION 'The main file has draft notes: finish or delete them before merging.'
            USING ERRCODE = 'DF409', HINT = 'main-has-drafts';
    END IF;
    v_seq := (SELECT max(seq) FROM {schema}.movements WHERE file_id = p_part) + 1;
    INSERT INTO {schema}.movements (file_id, seq, action, from_uid, to_uid, remarks, on_behalf_of)
    VALUES (p_part, v_seq, 'close', {schema}.me(), p.holder, 'Merged into ' || m.file_number,
            nullif(p.holder, {schema}.me())); -- its drafts become final (movements_finalize_notes)
    UPDATE {schema}.files SET status = 'closed', merged_at = now(), version = version + 1, updated_at = now()
    WHERE id = p_part RETURNING * INTO p;
    v_n := coalesce((SELECT max(n) FROM {schema}.notes WHERE file_id = m.id), 0);
    FOR x IN SELECT * FROM {schema}.notes WHERE file_id = p_part AND status = 'final' ORDER BY n LOOP
        v_n := v_n + 1;
        INSERT INTO {schema}.notes (file_id, n, author, body, created_at, updated_at)
        VALUES (m.id, v_n, x.author, x.body, x.created_at, x.updated_at);
        INSERT INTO {schema}.part_merges (part_id, part_n, main_id, main_n, merged_by)
        VALUES (p_part, x.n, m.id, v_n, {schema}.me());
    END LOOP;
    PERFORM {schema}.notes_seal(m.id, v_n);
    UPDATE {schema}.files SET version = version + 1, updated_at = now() WHERE id = m.id RETURNING * INTO m;
    PERFORM {schema}.audit('file.merge', m.id, json_build_object('part', p_part, 'notes', v_n));
    RETURN json_build_object('file', {schema}.file_json(m), 'part', {schema}.file_json(p),
                             'merged', coalesce((SELECT json_agg(json_build_object('part_n', g.part_n, 'main_n', g.main_n)
                                                                 ORDER BY g.part_n)
                                                 FROM {schema}.part_merges g WHERE g.part_id = p_part), '[]'::json));
END
$$;
