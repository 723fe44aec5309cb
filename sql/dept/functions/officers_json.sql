-- officers_json: the `officers` map a response carries beside its UIDs: for each
-- of p_uids who is a member of this department, {"name", "designation"}, keyed by
-- UID (read from the catalog's dept_people at each request: always current).
-- NULLs and repeats are ignored. plpgsql, not sql: its plan is kept for the
-- connection (an SQL function's body is planned again in every statement that
-- calls it: 85 µs a call against 10 here).
-- Its plan is generic whatever the calling statement asked for (SET plan_cache_mode below): a
-- list planned for its parameters' values (`-- plan: custom`, lib/db/db.c) sets force_custom_plan
-- for its transaction, and this body was then planned again at each call, 20 times a page of
-- files_list: about 110 µs a call against 20 (bench/README.md, issue 25).
CREATE OR REPLACE FUNCTION {schema}.officers_json(p_uids text[]) RETURNS json
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN (SELECT coalesce(json_object_agg(p.uid, json_build_object('name', p.name, 'designation', p.designation)),
                            '{}'::json)
            FROM daftar.dept_people p
            WHERE p.uid = ANY (p_uids));
END
$$;
