-- audit_append: the function in force. `daftar migrate` re-applies this file
-- when it changes.
-- Appends an event to a statewide scope's audit trail (who did what to whose
-- records, from which department and request), chained to the one before:
-- hash = sha256(prev_hash || canonical text), the canonical text
-- concat_ws('|', seq, at (UTC, microseconds), actor, dept, action, subject,
-- request_id, client_addr, detail) as the scopes' NNNN_audit_chain
-- migrations backfilled it and `daftar audit verify` recomputes it
-- (lib/tenant/audit.c, name state:NAME). The head is locked as a
-- department's audit() locks its chain's (sql/dept/functions/audit.sql):
-- writers chain one after another in commit order; the first writers of an
-- empty trail queue on a transaction lock instead of a row.
-- A scope that keeps no network addresses (training: client_tag.sql, its
-- client a salted hash) has client_addr hold its tag instead of the address.
-- Runs as the scope's owner: the scope's role may not insert into audit
-- itself (so no event bypasses the chain), nor lock, change or remove one.
-- Applied, as every scoped function, to the departments too, where it is
-- inert: a department has no table audit (its trail is audit_events, written
-- by its own audit()), so a call there fails and writes nothing.
CREATE OR REPLACE FUNCTION {schema}.audit_append(p_action text, p_subject text, p_detail jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    v_seq bigint;
    v_prev_hash text;
    v_at timestamptz := now();
    v_actor text := current_setting('daftar.officer_uid');
    v_dept text := current_setting('daftar.dept');
    v_request text := current_setting('daftar.request_id');
    v_client text := coalesce(current_setting('daftar.client_addr', true), '');
BEGIN
    IF to_regprocedure('{schema}.client_tag()') IS NOT NULL THEN
        EXECUTE 'SELECT {schema}.client_tag()' INTO v_client;
    END IF;
    LOOP
        SELECT seq, hash INTO v_seq, v_prev_hash FROM {schema}.audit ORDER BY seq DESC LIMIT 1 FOR UPDATE;
        IF v_seq IS NULL THEN
            PERFORM pg_advisory_xact_lock(hashtext('daftar.audit'), hashtext('{schema}'));
        END IF;
        -- a writer that waited for the head got the row it waited for, which the other writer's
        -- commit made second to last (READ COMMITTED does not run ORDER BY ... LIMIT again): look
        -- again until it is last
        EXIT WHEN NOT EXISTS (SELECT 1 FROM {schema}.audit WHERE seq > coalesce(v_seq, 0));
    END LOOP;
    v_seq := coalesce(v_seq, 0) + 1;
    v_prev_hash := coalesce(v_prev_hash, repeat('0', 64));
    INSERT INTO {schema}.audit (at, actor, dept, action, subject, request_id, client_addr, detail, seq, prev_hash, hash)
    VALUES (v_at, v_actor, v_dept, p_action, p_subject, v_request, v_client, p_detail, v_seq, v_prev_hash,
            encode(sha256(convert_to(v_prev_hash || concat_ws('|', v_seq,
                to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), v_actor, v_dept, p_action, p_subject,
                v_request, v_client, coalesce(p_detail::text, '')), 'UTF8')), 'hex'));
END
$$;
