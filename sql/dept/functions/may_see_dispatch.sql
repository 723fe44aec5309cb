-- may_see_dispatch: who reads a dispatch in the register: nobody above
-- their clearance (and confidential ones only with a second factor from a
-- trusted network, cleared_for); the dispatch section (dispatch_clerk),
-- records officers and dept admins (unclassified and restricted,
-- keeps_records), who issued it, and whoever may see its file.
CREATE OR REPLACE FUNCTION {schema}.may_see_dispatch(x {schema}.dispatches) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT {schema}.cleared_for(x.classification)
       AND ({schema}.has_role('dispatch_clerk') OR {schema}.keeps_records(x.classification) OR x.issued_by = {schema}.me()
            OR {schema}.may_see_file_of(x.file_id))
$$;
