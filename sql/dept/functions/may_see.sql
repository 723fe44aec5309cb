-- may_see: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0002, 0010.
-- The holder, records keepers, those who held it before, and whoever holds
-- the holder's acting charge (holds_charge_of, department 0017), and for a
-- part file whoever may see its main file (department 0028).
CREATE OR REPLACE FUNCTION {schema}.may_see(f {schema}.files) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.cleared_for(f.classification)
       AND (f.holder = {schema}.me() OR {schema}.keeps_records(f.classification) OR {schema}.held_before(f.id)
            OR {schema}.holds_charge_of(f.holder)
            OR (f.parent_id IS NOT NULL AND {schema}.may_see_file_of(f.parent_id)))
$$;
