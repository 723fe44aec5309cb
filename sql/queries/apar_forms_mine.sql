-- apar_forms_mine: the forms the caller is on (the officer, or an authority of the chain), stage
-- and dates only; box 'turn': only those waiting for the caller. At most 500, newest cycle first.
SELECT coalesce(json_agg({schema}.form_json(f) ORDER BY f.stage_due NULLS LAST, f.id), '[]'::json)
FROM (SELECT x.* FROM {schema}.forms x
      WHERE current_setting('daftar.officer_uid') IN (x.uid, x.reporting, x.reviewing, x.accepting)
        AND ($1 <> 'turn' OR current_setting('daftar.officer_uid') = {schema}.turn_of(x))
      ORDER BY x.stage_due NULLS LAST, x.id LIMIT 500) f
