-- audit: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0002.
-- Appends an audit event chained to the previous one of its family's chain
-- (audit_chain: 'efile', 'dispatch'; dept 0021_audit_chains):
-- hash = sha256(prev_hash || canonical text).
-- The chain's last event is locked, so concurrent writers of one family chain
-- one after another (a request behind a timer batch, two officers of one
-- department at once); writers of another family take another chain's head
-- and do not wait. A chain's first writers queue on its row in audit_chains.
-- Runs as the schema's owner: the department's role may insert events only
-- through here, and may neither lock nor change them (0014_evidence).
CREATE OR REPLACE FUNCTION {schema}.audit(p_action text, p_object uuid, p_detail json) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_chain text := {schema}.audit_chain(p_action);
    v_prev {schema}.audit_events;
    v_seq bigint;
    v_prev_hash text;
    v_text text;
    v_at timestamptz := now();
BEGIN
    LOOP
        SELECT * INTO v_prev FROM {schema}.audit_events WHERE chain = v_chain ORDER BY seq DESC LIMIT 1 FOR UPDATE;
        IF v_prev.seq IS NULL THEN
            -- the chain's first event: no event to lock, so its row in audit_chains is the lock (a
            -- second first writer waits here for the first's commit, then finds its event below)
            INSERT INTO {schema}.audit_chains (chain) VALUES (v_chain) ON CONFLICT DO NOTHING;
            PERFORM 1 FROM {schema}.audit_chains WHERE chain = v_chain FOR UPDATE;
        END IF;
        -- A writer that waited here for the head gets the row it waited for, which the other
        -- writer's commit made second to last (READ COMMITTED does not run ORDER BY ... LIMIT
        -- again): chaining onto it would take a seq that is taken. Look again until it is last.
        EXIT WHEN NOT EXISTS (SELECT 1 FROM {schema}.audit_events WHERE chain = v_chain AND seq > coalesce(v_prev.seq, 0));
    END LOOP;
    v_seq := coalesce(v_prev.seq, 0) + 1;
    v_prev_hash := coalesce(v_prev.hash, repeat('0', 64));
    v_text := concat_ws('|', v_seq, to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), {schema}.me(),
                        p_action, coalesce(p_object::text, ''), current_setting('daftar.client_addr'),
                        current_setting('daftar.request_id'), p_detail::text);
    INSERT INTO {schema}.audit_events (chain, seq, at, uid, action, object_id, client, request_id, detail, prev_hash, hash)
    VALUES (v_chain, v_seq, v_at, {schema}.me(), p_action, p_object, current_setting('daftar.client_addr'),
            current_setting('daftar.request_id'), p_detail, v_prev_hash,
            encode(sha256(convert_to(v_prev_hash || v_text, 'UTF8')), 'hex'));
END
$$;
