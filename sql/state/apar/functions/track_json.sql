-- track_json: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Form p_form's track: each move from stage to stage, when, by whom (an
-- officer, the custodian, or 'timer'), whose turn it was and whether that
-- level missed its date. Without p_full only the stages and when (what the
-- officer sees before disclosure and an earlier level sees: whether a
-- level reported is the form's business of the levels after it).
CREATE OR REPLACE FUNCTION {schema}.track_json(p_form uuid, p_full boolean) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(CASE WHEN p_full
                                  THEN json_build_object('from', s.from_stage, 'to', s.to_stage, 'at', s.at, 'by', s.by_uid,
                                                         'authority', s.authority, 'missed', s.missed,
                                                         'days_late', s.days_late)
                                  ELSE json_build_object('from', s.from_stage, 'to', s.to_stage, 'at', s.at) END
                             ORDER BY s.id), '[]'::json)
    FROM {schema}.stages s WHERE s.form = p_form
$$;
