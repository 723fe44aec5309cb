-- charge_json: the function in force. `daftar migrate` re-applies this file
-- when it changes.
CREATE OR REPLACE FUNCTION {schema}.charge_json(c {schema}.charges) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', c.id, 'holder', c.holder, 'of', c.of_uid, 'valid_from', c.valid_from,
                             'valid_until', c.valid_until, 'reason', c.reason, 'created_by', c.created_by,
                             'created_at', c.created_at, 'ended_at', c.ended_at, 'ended_by', c.ended_by,
                             'active', c.ended_at IS NULL
                                       AND (now() AT TIME ZONE 'Asia/Kolkata')::date BETWEEN c.valid_from AND c.valid_until)
$$;
