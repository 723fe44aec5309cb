-- dispatch_issue: the dispatch section issues an approved draft: one
-- dispatch a recipient (addressees, then copies), numbered from the
-- department's yearly series without gaps (the counter row stays locked
-- until this transaction ends, so numbers follow the order of commits),
-- dated today (India). Refused: not the dispatch section (403); a draft of
-- a file above the caller's clearance (404, as if none); issued already
-- (409: one draft, one issue, under the draft's row lock); not approved, or
-- edited since its approval (422); a letter by e-mail or to a department
-- without its PDF, or a confidential or secret one other than by post or
-- hand (422). Letters to departments go into the exchange at once (dak_send);
-- e-mail letters are due to the mailers at once (mail_claim, mail_done).
-- Idempotency-Key: the first answer again.
CREATE OR REPLACE FUNCTION {schema}.dispatch_issue(p_draft uuid, p_key text, p_request_hash text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
    v_key text := 'dispatch:' || p_key;
    v_done json;
    d {schema}.drafts;
    v_class text;
    v_today date := (now() AT TIME ZONE 'Asia/Kolkata')::date;
    v_year integer := extract(year FROM v_today);
    v_code text := upper((SELECT code FROM daftar.dept_key));
    v_all jsonb;
    v_count integer;
    v_last integer;
    v_serial integer;
    v_id uuid;
    v_out json;
BEGIN
    v_done := {schema}.idempotency_replay(v_key, p_request_hash);
    IF v_done IS NOT NULL THEN
        RETURN json_build_object('replayed', true, 'issue', v_done);
    END IF;
    PERFORM {schema}.dispatch_clerk();
    SELECT * INTO d FROM {schema}.drafts WHERE id = p_draft FOR UPDATE;
    v_class := (SELECT f.classification FROM {schema}.files f WHERE f.id = d.file_id);
    IF d.id IS NULL OR NOT {schema}.cleared_for(v_class) THEN
        RAISE EXCEPTION 'No such draft.' USING ERRCODE = 'DF404';
    END IF;
    IF d.issued_at IS NOT NULL THEN
        RAISE EXCEPTION 'This draft is issued already: one draft, one issue.' USING ERRCODE = 'DF409', HINT = 'draft-issued-already';
    END IF;
    IF d.approved_version IS NULL THEN
        RAISE EXCEPTION 'The draft is not approved.' USING ERRCODE = 'DF422', HINT = 'draft-not-approved';
    END IF;
    IF d.approved_version <> d.version OR d.hash IS DISTINCT FROM (
           SELECT a.hash FROM {schema}.draft_approvals a WHERE a.draft_id = d.id AND a.version = d.version) THEN
        RAISE EXCEPTION 'The draft was edited after its approval; it needs approving again.' USING ERRCODE = 'DF422', HINT = 'draft-changed-after-approval';
    END IF;
    v_all := (SELECT jsonb_agg(a || jsonb_build_object('copy', false)) FROM jsonb_array_elements(d.addressees) a)
             || coalesce((SELECT jsonb_agg(a || jsonb_build_object('copy', true)) FROM jsonb_array_elements(d.copies_to) a),
                         '[]');
    IF d.document_id IS NULL AND EXISTS (SELECT 1 FROM jsonb_array_elements(v_all) a
                                         WHERE a ->> 'mode' IN ('email', 'department')) THEN
        RAISE EXCEPTION 'A letter by e-mail or to a department goes as its PDF: upload it to the draft, and have it approved.'
            USING ERRCODE = 'DF422', HINT = 'letter-needs-pdf';
    END IF;
    IF v_class IN ('confidential', 'secret') AND EXISTS (SELECT 1 FROM jsonb_array_elements(v_all) a
                                                         WHERE a ->> 'mode' IN ('email', 'department')) THEN
        RAISE EXCEPTION 'A confidential or secret letter goes by post or by hand.' USING ERRCODE = 'DF422', HINT = 'confidential-by-post-or-hand';
    END IF;
    v_count := jsonb_array_length(v_all);
    INSERT INTO {schema}.dispatch_counters AS c (year, last) VALUES (v_year, v_count)
    ON CONFLICT (year) DO UPDATE SET last = c.last + v_count
    RETURNING last INTO v_last;
    FOR i IN 0 .. v_count - 1 LOOP
        v_serial := v_last - v_count + 1 + i;
        INSERT INTO {schema}.dispatches (dispatch_number, year, serial, draft_id, n, file_id, classification, copy, addressee,
                                         mode, subject, draft_version, draft_hash, document_id, issued_on, issued_by,
                                         mail_next_at)
        VALUES (v_code || '/' || v_year || '/D/' || CASE WHEN v_serial < 1000000 THEN lpad(v_serial::text, 6, '0')
                                                          ELSE v_serial::text END,
                v_year, v_serial, d.id, i + 1, d.file_id, v_class, (v_all -> i ->> 'copy')::boolean,
                (v_all -> i) - 'copy', v_all -> i ->> 'mode', d.subject, d.version, d.hash, d.document_id, v_today,
                {schema}.me(), CASE WHEN v_all -> i ->> 'mode' = 'email' THEN now() END)
        RETURNING id INTO v_id;
        INSERT INTO {schema}.dispatch_events (dispatch_id, seq, status, by_uid) VALUES (v_id, 1, 'issued', {schema}.me());
    END LOOP;
    PERFORM {schema}.dak_send(x) FROM {schema}.dispatches x WHERE x.draft_id = d.id AND x.mode = 'department';
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(v_all) a WHERE a ->> 'mode' = 'email') THEN
        PERFORM pg_notify('daftar_mail', '');  -- at commit: the servers' mailers send them (lib/dispatch/mailer.c)
    END IF;
    UPDATE {schema}.drafts SET issued_at = now() WHERE id = d.id;
    v_out := json_build_object('draft_id', d.id, 'items', (SELECT json_agg({schema}.dispatch_json(x) ORDER BY x.n)
                                                           FROM {schema}.dispatches x WHERE x.draft_id = d.id));
    PERFORM {schema}.idempotency_keep(v_key, p_request_hash, v_out);
    PERFORM {schema}.audit('dispatch.issue', d.file_id, json_build_object(
        'draft', d.id, 'version', d.version, 'numbers', (SELECT json_agg(x.dispatch_number ORDER BY x.n)
                                                          FROM {schema}.dispatches x WHERE x.draft_id = d.id)));
    RETURN json_build_object('replayed', false, 'issue', v_out);
END
$$;
