-- file_link: the holder of a file links it to another file they may see
-- (both ways for the reader; once). 404 for a file not there for the
-- caller, 409 when linked already. Department 0027.
CREATE OR REPLACE FUNCTION {schema}.file_link(p_id uuid, p_other uuid, p_remarks text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_file(p_id);
    o {schema}.files;
BEGIN
    SELECT * INTO o FROM {schema}.files WHERE id = p_other;
    IF NOT FOUND OR NOT {schema}.may_see(o) OR o.id = p_id THEN
        RAISE EXCEPTION 'No such file to link.' USING ERRCODE = 'DF422';
    END IF;
    IF EXISTS (SELECT 1 FROM {schema}.file_links l
               WHERE (l.file_id, l.other_id) IN ((p_id, p_other), (p_other, p_id))) THEN
        RAISE EXCEPTION 'The files are linked already.' USING ERRCODE = 'DF409';
    END IF;
    INSERT INTO {schema}.file_links (file_id, other_id, remarks, created_by)
    VALUES (p_id, p_other, coalesce(p_remarks, ''), {schema}.me());
    PERFORM {schema}.audit('file.link', p_id, json_build_object('other', p_other));
    RETURN json_build_object('file_id', p_id, 'other', {schema}.file_json(o), 'remarks', coalesce(p_remarks, ''),
                             'created_by', {schema}.me());
END
$$;
