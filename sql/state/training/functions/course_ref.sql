-- course_ref: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- A course as things that name it show it: id, code and titles.
CREATE OR REPLACE FUNCTION {schema}.course_ref(p_id uuid) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', c.id, 'code', c.code, 'title', c.title, 'title_hi', c.title_hi)
    FROM {schema}.courses c WHERE c.id = p_id
$$;
