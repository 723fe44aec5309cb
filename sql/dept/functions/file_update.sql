-- file_update: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0005.
-- The holder edits subject, category or priority of an open file (NULL keeps a value).
CREATE OR REPLACE FUNCTION {schema}.file_update(p_id uuid, p_version integer, p_subject text, p_category text, p_priority text)
RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files := {schema}.held_version(p_id, p_version);
BEGIN
    UPDATE {schema}.files SET subject = coalesce(p_subject, subject), category = coalesce(p_category, category),
                              priority = coalesce(p_priority, priority), version = version + 1, updated_at = now()
    WHERE id = p_id RETURNING * INTO f;
    PERFORM {schema}.audit('file.edit', p_id,
                           json_strip_nulls(json_build_object('subject', p_subject, 'category', p_category,
                                                              'priority', p_priority)));
    RETURN {schema}.file_json(f);
END
$$;
