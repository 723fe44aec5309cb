-- audience_matches: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- A membership (its roles, designation and section) is in an assignment's
-- audience: the whole department, holders of a role, a designation (the
-- same words, any case: "Section Officer"), or a section (its code).
CREATE OR REPLACE FUNCTION {schema}.audience_matches(p_audience text, p_value text, p_roles text[], p_designation text,
                                                     p_section text)
RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_audience WHEN 'department' THEN true
                           WHEN 'role' THEN p_value = ANY (p_roles)
                           WHEN 'section' THEN coalesce(p_section, '') = p_value
                           ELSE lower(coalesce(p_designation, '')) = lower(p_value) END
$$;
DROP FUNCTION IF EXISTS {schema}.audience_matches(text, text, text[], text);
