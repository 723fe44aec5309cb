-- audience_matches: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- A membership (its roles and designation) is in an assignment's audience:
-- the whole department, holders of a role, or a designation (the same
-- words, any case: "Section Officer").
CREATE OR REPLACE FUNCTION {schema}.audience_matches(p_audience text, p_value text, p_roles text[], p_designation text)
RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_audience WHEN 'department' THEN true
                           WHEN 'role' THEN p_value = ANY (p_roles)
                           ELSE lower(coalesce(p_designation, '')) = lower(p_value) END
$$;
