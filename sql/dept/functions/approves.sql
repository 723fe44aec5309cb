-- approves: the officer holds the approving role (section_officer or
-- dept_admin) in this department now, read from the catalog rather than
-- from the request's settings (used for a delegator, who is not the caller).
-- Runs as the schema's owner, so that it answers the same for the
-- department's role (delegation_json) and inside file_decide (which runs as
-- the owner, where daftar.dept_members, filtered by current_user, shows
-- nothing); it tells only this yes or no about a member of this department,
-- whose code is taken from the schema's name, never from a table the
-- department's role may write.
CREATE OR REPLACE FUNCTION {schema}.approves(p_uid text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT EXISTS (SELECT 1 FROM daftar.memberships m JOIN daftar.officers o ON o.uid = m.uid
                   WHERE m.uid = p_uid AND m.dept = substr('{schema}'::regnamespace::text, 6) AND o.status = 'active'
                     AND m.roles && ARRAY['section_officer', 'dept_admin']::text[])
$$;
