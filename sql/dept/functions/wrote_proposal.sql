-- wrote_proposal: p_uid wrote the proposal on the file: its first note,
-- unless that note is the caller's deciding note (the last note, theirs)
-- or a decision rests on it (security review item 6).
CREATE OR REPLACE FUNCTION {schema}.wrote_proposal(p_id uuid, p_uid text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT x.author = p_uid
                            AND NOT (x.author = {schema}.me()
                                     AND x.n = (SELECT max(y.n) FROM {schema}.notes y WHERE y.file_id = p_id))
                            AND NOT EXISTS (SELECT 1 FROM {schema}.movements m
                                            WHERE m.file_id = p_id AND m.action IN ('approve', 'reject') AND m.note = x.n)
                     FROM {schema}.notes x WHERE x.file_id = p_id ORDER BY x.n LIMIT 1), false)
$$;
