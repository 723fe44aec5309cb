-- submission_add: the function in force. `daftar migrate` re-applies this
-- file when it changes.
-- Appends level p_level's submission on form p_form to its chain:
-- hash = SHA-256(previous hash, or 64 zeros || level, by, time, content).
CREATE OR REPLACE FUNCTION {schema}.submission_add(p_form uuid, p_level text, p_by text, p_skipped boolean, p_content jsonb)
RETURNS {schema}.submissions
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    last {schema}.submissions;
    s {schema}.submissions;
BEGIN
    SELECT * INTO last FROM {schema}.submissions x WHERE x.form = p_form ORDER BY x.seq DESC LIMIT 1;
    s.form := p_form;
    s.seq := coalesce(last.seq, 0) + 1;
    s.level := p_level;
    s.by_uid := p_by;
    s.at := date_trunc('milliseconds', clock_timestamp());
    s.skipped := p_skipped;
    s.content := p_content;
    s.prev_hash := coalesce(last.hash, repeat('0', 64));
    s.hash := encode(sha256(convert_to(concat_ws(E'\x1f', s.prev_hash, s.seq, s.level, s.by_uid,
                                                 to_char(s.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                                 s.skipped, s.content::text), 'UTF8')), 'hex');
    INSERT INTO {schema}.submissions (form, seq, level, by_uid, at, skipped, content, prev_hash, hash)
    VALUES (s.form, s.seq, s.level, s.by_uid, s.at, s.skipped, s.content, s.prev_hash, s.hash) RETURNING * INTO s;
    RETURN s;
END
$$;
