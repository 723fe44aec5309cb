-- audience_matches: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- A membership (its roles, designation and section, and the officer's pay
-- level when the audience is one) is in an assignment's audience: the whole
-- department, holders of a role, a designation (the same words, any case:
-- "Section Officer"), a section (its code), or a pay level or range of them
-- ("10", "10-12"; an officer without a pay level is in none).
CREATE OR REPLACE FUNCTION {schema}.audience_matches(p_audience text, p_value text, p_roles text[], p_designation text,
                                                     p_section text, p_pay_level smallint)
RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_audience WHEN 'department' THEN true
                           WHEN 'role' THEN p_value = ANY (p_roles)
                           WHEN 'section' THEN coalesce(p_section, '') = p_value
                           WHEN 'pay_level' THEN coalesce(p_pay_level BETWEEN split_part(p_value, '-', 1)::integer
                                                          AND coalesce(nullif(split_part(p_value, '-', 2), ''),
                                                                       split_part(p_value, '-', 1))::integer, false)
                           ELSE lower(coalesce(p_designation, '')) = lower(p_value) END
$$;
DROP FUNCTION IF EXISTS {schema}.audience_matches(text, text, text[], text);
DROP FUNCTION IF EXISTS {schema}.audience_matches(text, text, text[], text, text);
