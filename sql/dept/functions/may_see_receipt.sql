-- may_see_receipt: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0006, 0010.
CREATE OR REPLACE FUNCTION {schema}.may_see_receipt(x {schema}.receipts) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.cleared_for(x.classification)
       AND (x.registered_by = {schema}.me() OR {schema}.keeps_records(x.classification)
            OR (x.file_id IS NOT NULL AND {schema}.may_see_file_of(x.file_id)))
$$;
