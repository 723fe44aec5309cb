-- draft_addressees: a draft's addressees (or copies) as the server checked
-- their shape (lib/dispatch/drafts.c), normalised: an outside addressee
-- (name, address, e-mail; mode post, hand or email, post by default) or
-- another department (its code, a section or designation; mode
-- department). Raises DF422 for what only the database knows: an unknown
-- or suspended department, this department itself, e-mail mode without an
-- e-mail address.
CREATE OR REPLACE FUNCTION {schema}.draft_addressees(p jsonb) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    a jsonb;
    v_out jsonb := '[]';
    v_mode text;
BEGIN
    FOR a IN SELECT x FROM jsonb_array_elements(coalesce(p, '[]')) x LOOP
        IF a ? 'department' THEN
            IF NOT daftar.department_known(a ->> 'department') THEN
                RAISE EXCEPTION 'No department has the code %.', a ->> 'department' USING ERRCODE = 'DF422', HINT = 'addressee-department-unknown';
            END IF;
            IF a ->> 'department' = (SELECT code FROM daftar.dept_key) THEN
                RAISE EXCEPTION 'A letter to this department itself is a note on the file, not a dispatch.'
                    USING ERRCODE = 'DF422', HINT = 'addressee-own-department';
            END IF;
            IF coalesce(a ->> 'mode', 'department') <> 'department' THEN
                RAISE EXCEPTION 'A letter to a department goes by mode department.' USING ERRCODE = 'DF422', HINT = 'addressee-department-mode';
            END IF;
            v_out := v_out || jsonb_build_array(jsonb_build_object(
                'kind', 'department', 'department', a ->> 'department', 'section', coalesce(a ->> 'section', ''),
                'designation', coalesce(a ->> 'designation', ''), 'mode', 'department'));
        ELSE
            v_mode := coalesce(a ->> 'mode', 'post');
            IF v_mode NOT IN ('post', 'hand', 'email') THEN
                RAISE EXCEPTION 'An outside addressee is sent to by post, hand or email.' USING ERRCODE = 'DF422', HINT = 'addressee-outside-mode';
            END IF;
            IF v_mode = 'email' AND coalesce(a ->> 'email', '') = '' THEN
                RAISE EXCEPTION 'Addressee % has no e-mail address for mode email.', a ->> 'name' USING ERRCODE = 'DF422', HINT = 'addressee-without-email';
            END IF;
            v_out := v_out || jsonb_build_array(jsonb_build_object(
                'kind', 'outside', 'name', a ->> 'name', 'address', coalesce(a ->> 'address', ''),
                'email', coalesce(a ->> 'email', ''), 'mode', v_mode));
        END IF;
    END LOOP;
    RETURN v_out;
END
$$;
