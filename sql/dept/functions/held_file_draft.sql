-- held_file_draft: a draft of an open file the caller holds (held_file),
-- locked; raises otherwise (outsiders: DF404). What changes a draft, or
-- approves it, starts here.
CREATE OR REPLACE FUNCTION {schema}.held_file_draft(p_file uuid, p_draft uuid) RETURNS {schema}.drafts
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_file);
    d {schema}.drafts;
BEGIN
    SELECT * INTO d FROM {schema}.drafts WHERE id = p_draft AND file_id = p_file FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'No such draft.' USING ERRCODE = 'DF404';
    END IF;
    IF f.status <> 'open' THEN
        RAISE EXCEPTION 'Drafts change and are approved only on an open file.' USING ERRCODE = 'DF409';
    END IF;
    RETURN d;
END
$$;
