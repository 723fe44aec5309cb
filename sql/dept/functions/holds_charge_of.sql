-- holds_charge_of: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- The caller holds p_uid's charge today (India time), not ended.
CREATE OR REPLACE FUNCTION {schema}.holds_charge_of(p_uid text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM {schema}.charges c
                   WHERE c.holder = {schema}.me() AND c.of_uid = p_uid AND c.ended_at IS NULL
                     AND (now() AT TIME ZONE 'Asia/Kolkata')::date BETWEEN c.valid_from AND c.valid_until)
$$;
