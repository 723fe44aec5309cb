-- note_flag_add: the author of a draft note, holding the file, flags on it
-- a receipt put into the file, a document of the file, or an earlier note
-- of it (final, or the author's own draft). 404 for a note or thing that is
-- not there for the caller, 409 on a final note. Department 0027.
CREATE OR REPLACE FUNCTION {schema}.note_flag_add(p_id uuid, p_n integer, p_kind text, p_target uuid, p_note integer,
                                                  p_label text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_id);
    x {schema}.notes;
    g {schema}.note_flags;
BEGIN
    x := {schema}.draft_note(p_id, p_n);
    IF (p_kind = 'receipt' AND NOT EXISTS (SELECT 1 FROM {schema}.receipts r WHERE r.id = p_target AND r.file_id = p_id))
       OR (p_kind = 'document' AND NOT EXISTS (SELECT 1 FROM {schema}.documents d WHERE d.id = p_target AND d.file_id = p_id))
       OR (p_kind = 'note' AND NOT EXISTS (SELECT 1 FROM {schema}.notes y WHERE y.file_id = p_id AND y.n = p_note
                                             AND y.n < p_n AND (y.status = 'final' OR y.author = {schema}.me()))) THEN
        RAISE EXCEPTION 'Flag a receipt or document of this file, or an earlier note of it.' USING ERRCODE = 'DF422';
    END IF;
    INSERT INTO {schema}.note_flags (file_id, n, kind, receipt_id, document_id, note_n, label, created_by)
    VALUES (p_id, p_n, p_kind, CASE p_kind WHEN 'receipt' THEN p_target END, CASE p_kind WHEN 'document' THEN p_target END,
            CASE p_kind WHEN 'note' THEN p_note END, coalesce(p_label, ''), {schema}.me())
    RETURNING * INTO g;
    PERFORM {schema}.audit('note.flag', p_id, json_build_object('n', p_n, 'kind', p_kind));
    RETURN {schema}.note_flag_json(g);
END
$$;
