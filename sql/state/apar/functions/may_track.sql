-- may_track: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- The caller may see form f's stage log in full (who moved it, whose turn
-- it was, which level missed its date): the custodian of its department
-- (the dashboard's days late per authority), an authority that may read
-- the earlier levels (its turn or a later level's: may_read), the officer
-- once disclosed. The others who see the form see only its stages and
-- when (form_read): whether a level reported is no business of the
-- officer before disclosure, nor of an earlier level.
CREATE OR REPLACE FUNCTION {schema}.may_track(f {schema}.forms) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.custodian_of(f.dept)
        OR CASE {schema}.my_level(f) WHEN 'officer' THEN f.disclosed_at IS NOT NULL ELSE {schema}.may_read(f, 'self') END
$$;
