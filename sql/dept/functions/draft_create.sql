-- draft_create: the holder of an open file drafts a letter on it
-- (Idempotency-Key, per file). Enclosures must be documents of the file.
-- Returns {"replayed", "draft"} and the version.
CREATE OR REPLACE FUNCTION {schema}.draft_create(p_file uuid, p_subject text, p_body text, p_addressees jsonb,
                                                 p_copies jsonb, p_enclosures jsonb, p_key text, p_request_hash text)
RETURNS TABLE (created json, version integer)
LANGUAGE plpgsql AS $$
DECLARE
    v_key text := 'draft:' || p_file || ':' || p_key;
    v_done json;
    f {schema}.files;
    d {schema}.drafts;
BEGIN
    v_done := {schema}.idempotency_replay(v_key, p_request_hash);
    IF v_done IS NOT NULL THEN
        RETURN QUERY SELECT json_build_object('replayed', true, 'draft', v_done), (v_done ->> 'version')::integer;
        RETURN;
    END IF;
    f := {schema}.held_file(p_file);
    IF f.status <> 'open' THEN
        RAISE EXCEPTION 'Letters are drafted on an open file.' USING ERRCODE = 'DF409', HINT = 'file-not-open';
    END IF;
    d.id := gen_random_uuid();
    d.file_id := p_file;
    d.author := {schema}.me();
    d.subject := p_subject;
    d.body := coalesce(p_body, '');
    d.addressees := {schema}.draft_addressees(p_addressees);
    d.copies_to := {schema}.draft_addressees(p_copies);
    d.enclosures := {schema}.draft_enclosures(p_file, p_enclosures);
    d.version := 1;
    d.hash := {schema}.draft_hash(d);
    INSERT INTO {schema}.drafts (id, file_id, author, subject, body, addressees, copies_to, enclosures, version, hash)
    VALUES (d.id, d.file_id, d.author, d.subject, d.body, d.addressees, d.copies_to, d.enclosures, d.version, d.hash)
    RETURNING * INTO d;
    PERFORM {schema}.idempotency_keep(v_key, p_request_hash, {schema}.draft_json(d));
    PERFORM {schema}.audit('draft.create', p_file, json_build_object('draft', d.id, 'hash', d.hash));
    RETURN QUERY SELECT json_build_object('replayed', false, 'draft', {schema}.draft_json(d)), d.version;
END
$$;
