-- may_see_receipt: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0006, 0010.
-- Its holder (the main receiver), whoever registered, held or was copied it
-- (held_receipt), whoever holds the holder's acting charge, records keepers
-- for unclassified and restricted ones, and whoever may see the file it is in.
-- Also the row-level policy of receipts (receipts_policies.sql).
CREATE OR REPLACE FUNCTION {schema}.may_see_receipt(x {schema}.receipts) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.cleared_for(x.classification)
       AND (x.registered_by = {schema}.me() OR x.holder = {schema}.me() OR {schema}.keeps_records(x.classification)
            OR {schema}.held_receipt(x.id) OR {schema}.holds_charge_of(x.holder)
            OR (x.file_id IS NOT NULL AND {schema}.may_see_file_of(x.file_id)))
$$;
