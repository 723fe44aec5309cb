-- submission_to_sign: the function in force. `daftar migrate` re-applies
-- this file when it changes.
-- What a level signs of form p_form: submission p_seq's hash (which chains
-- every earlier part), with the caller's registered certificates (DER,
-- base64). Only the officer who submitted it, once; a level the timer
-- recorded as not reported has nothing to sign. Anyone else: 404.
CREATE OR REPLACE FUNCTION {schema}.submission_to_sign(p_form uuid, p_seq integer) RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    f {schema}.forms;
    s {schema}.submissions;
BEGIN
    SELECT * INTO f FROM {schema}.forms x WHERE x.id = p_form;
    IF FOUND THEN
        SELECT * INTO s FROM {schema}.submissions x WHERE x.form = p_form AND x.seq = p_seq;
    END IF;
    IF s.form IS NULL OR NOT {schema}.may_read(f, s.level) THEN
        RAISE EXCEPTION 'No such APAR submission.' USING ERRCODE = 'DF404';
    END IF;
    IF s.skipped OR s.by_uid <> current_setting('daftar.officer_uid') THEN
        RAISE EXCEPTION 'Only the officer who submitted a part signs it.' USING ERRCODE = 'DF403', HINT = 'apar-sign-own-part';
    END IF;
    IF EXISTS (SELECT 1 FROM {schema}.signatures x WHERE x.form = p_form AND x.seq = p_seq) THEN
        RAISE EXCEPTION 'This part is signed already.' USING ERRCODE = 'DF409', HINT = 'apar-part-signed-already';
    END IF;
    RETURN daftar.to_sign(s.hash);
END
$$;
