-- charge_end: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Ends charge p_id early: the head of office or dept_admin, or its holder.
CREATE OR REPLACE FUNCTION {schema}.charge_end(p_id uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    c {schema}.charges;
BEGIN
    SELECT * INTO c FROM {schema}.charges x WHERE x.id = p_id FOR UPDATE;
    IF NOT FOUND OR NOT ({schema}.has_role('hoo') OR {schema}.has_role('dept_admin')
                         OR {schema}.me() IN (c.holder, c.of_uid, c.created_by)) THEN
        RAISE EXCEPTION 'No such charge.' USING ERRCODE = 'DF404';
    END IF;
    IF NOT ({schema}.has_role('hoo') OR {schema}.has_role('dept_admin') OR c.holder = {schema}.me()) THEN
        RAISE EXCEPTION 'The head of office, dept_admin or its holder ends a charge.' USING ERRCODE = 'DF403';
    END IF;
    IF c.ended_at IS NOT NULL THEN
        RAISE EXCEPTION 'This charge has ended already.' USING ERRCODE = 'DF409';
    END IF;
    UPDATE {schema}.charges x SET ended_at = now(), ended_by = {schema}.me() WHERE x.id = p_id RETURNING * INTO c;
    PERFORM {schema}.timer_cancel('charge_end', p_id);
    PERFORM {schema}.audit('charge.end', p_id, json_build_object('by', {schema}.me()));
    RETURN {schema}.charge_json(c);
END
$$;
