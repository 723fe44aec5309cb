-- file_create: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0002.
-- A file may name a head or sub-head of the filing scheme (department 0026): its number is then
-- DEPT/HEAD[/SUB-HEAD]/YEAR/NNNNN, the serial per head and year without gaps (the counter row stays
-- locked until this transaction ends); without one, DEPT/SECTION/YEAR/NNNNN as before.
DROP FUNCTION IF EXISTS {schema}.file_create(text, text, text, text, text, text, text);
CREATE OR REPLACE FUNCTION {schema}.file_create(p_subject text, p_category text, p_section text, p_classification text,
                                     p_priority text, p_key text, p_request_hash text, p_head uuid) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_year integer := extract(year FROM now() AT TIME ZONE 'Asia/Kolkata');
    v_n integer;
    h {schema}.filing_heads;
    v_prefix text;
    v_done json;
    f {schema}.files;
    v_out json;
BEGIN
    v_done := {schema}.idempotency_replay(p_key, p_request_hash);
    IF v_done IS NOT NULL THEN
        RETURN json_build_object('replayed', true, 'file', v_done);
    END IF;
    IF {schema}.clearance_rank(p_classification) > current_setting('daftar.clearance')::int THEN
        RAISE EXCEPTION 'You cannot create a file above your clearance.' USING ERRCODE = 'DF403';
    END IF;
    IF p_head IS NOT NULL THEN
        SELECT * INTO h FROM {schema}.filing_heads WHERE id = p_head;
        IF NOT FOUND OR NOT h.active THEN
            RAISE EXCEPTION 'No such head in the filing scheme, or it is retired.' USING ERRCODE = 'DF422';
        END IF;
        INSERT INTO {schema}.head_counters AS c (head_id, year, last) VALUES (p_head, v_year, 1)
        ON CONFLICT (head_id, year) DO UPDATE SET last = c.last + 1
        RETURNING last INTO v_n;
        v_prefix := coalesce((SELECT p.code || '/' FROM {schema}.filing_heads p WHERE p.id = h.parent_id), '') || h.code;
    ELSE
        INSERT INTO {schema}.file_counters AS c (year, last) VALUES (v_year, 1)
        ON CONFLICT (year) DO UPDATE SET last = c.last + 1
        RETURNING last INTO v_n;
        v_prefix := p_section;
    END IF;
    INSERT INTO {schema}.files (file_number, subject, category, section, classification, priority, created_by, holder,
                                head_id)
    VALUES (upper(replace(current_user, 'dept_', '')) || '/' || v_prefix || '/' || v_year || '/' || lpad(v_n::text, 5, '0'),
            p_subject, p_category, p_section, p_classification, p_priority, {schema}.me(), {schema}.me(), p_head)
    RETURNING * INTO f;
    INSERT INTO {schema}.file_access (file_id, uid) VALUES (f.id, {schema}.me());
    INSERT INTO {schema}.movements (file_id, seq, action, from_uid, to_uid) VALUES (f.id, 1, 'create', {schema}.me(), {schema}.me());
    v_out := {schema}.file_json(f);
    PERFORM {schema}.idempotency_keep(p_key, p_request_hash, v_out);
    PERFORM {schema}.audit('file.create', f.id, json_build_object('file_number', f.file_number));
    RETURN json_build_object('replayed', false, 'file', v_out);
END
$$;
