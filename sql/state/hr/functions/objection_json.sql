-- objection_json: the function in force. `daftar migrate` re-applies this
-- file when it changes.
CREATE OR REPLACE FUNCTION {schema}.objection_json(o {schema}.objections) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', o.id, 'n', o.n, 'remarks', o.remarks, 'raised_at', o.raised_at, 'status', o.status,
                             'answer', o.answer, 'correction', o.correction, 'answered_by', o.answered_by,
                             'answered_at', o.answered_at)
$$;
