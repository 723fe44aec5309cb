-- audit_export: one page of the department's audit trail for GET
-- /v1/departments/{dept}/audit (issue 22), for its auditor only (403 to
-- anyone else): the events after (p_after_chain, p_after_seq), chain by
-- chain (one a family, dept 0021_audit_chains) and in seq order within one,
-- whose day (UTC) is within p_since..p_until (NULL: open), at most p_limit,
-- as NDJSON lines, one event a line with its chain and everything its hash
-- covers, so that `daftar audit verify FILE` recomputes each hash and link
-- offline: "at" as the chain wrote it and "detail" as the JSON text it
-- hashed (a string). The first page records the export itself in the
-- chain. Returns the lines, the last chain and seq on the page and how many.
CREATE OR REPLACE FUNCTION {schema}.audit_export(p_since date, p_until date, p_after_chain text, p_after_seq bigint,
                                                 p_limit integer)
RETURNS TABLE (lines text, last_chain text, last_seq bigint, events integer)
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT {schema}.has_role('auditor') THEN
        RAISE EXCEPTION 'Exporting the audit trail needs the auditor role in this department.' USING ERRCODE = 'DF403';
    END IF;
    RETURN QUERY
    SELECT coalesce(string_agg(json_build_object(
               'chain', e.chain, 'seq', e.seq, 'at', to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'uid', e.uid,
               'action', e.action, 'object_id', coalesce(e.object_id::text, ''), 'client', e.client,
               'request_id', e.request_id, 'detail', e.detail::text, 'prev_hash', e.prev_hash, 'hash', e.hash)::text
               || E'\n', '' ORDER BY e.chain, e.seq), ''),
           (array_agg(e.chain ORDER BY e.chain DESC, e.seq DESC))[1], (array_agg(e.seq ORDER BY e.chain DESC, e.seq DESC))[1],
           count(*)::integer
    FROM (SELECT * FROM {schema}.audit_events a
          WHERE (a.chain, a.seq) > (p_after_chain, p_after_seq)
            AND (p_since IS NULL OR a.at >= p_since::timestamp AT TIME ZONE 'UTC')
            AND (p_until IS NULL OR a.at < (p_until + 1)::timestamp AT TIME ZONE 'UTC')
          ORDER BY a.chain, a.seq LIMIT p_limit) e;
    IF p_after_chain = '' THEN
        PERFORM {schema}.audit('audit.export', NULL, json_build_object('since', p_since, 'until', p_until));
    END IF;
END
$$;
