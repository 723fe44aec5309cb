-- files_page: a page of a files list as the API returns it, from the files found for it in order, one
-- more than p_limit when there is a next page: `items`, each file as file_json shows it, and
-- `next_cursor` ('micros_uuid' of the last file shown; NULL on the last page). The page's officers are
-- read once (officers_json) and each file is given its own of them: one lookup a page instead of one a
-- file (issue 25). files_list, files_inbox, files_sent and files_all end in it. Its plans are generic
-- whatever the calling statement asked for (officers_json.sql says why).
-- An item the caller holds, or holds for an officer whose acting charge is theirs, carries `received`
-- (issue 26): the movement that brought the file to its holder (who, on whose behalf, what, when, the
-- remarks, the due date) and whether the holder has opened it since (file_opens); read for the whole
-- page in one statement, not once a file; the sender is in the `officers` map. Other items carry none:
-- another officer's reading is not the caller's to see. A file handed over (issue 27) came by its
-- 'handover' line: from the section officer who ordered it, on behalf of the officer who left.
-- `synced_at` (issue 26, delta sync): what the client passes as `updated_since` next: the newest change
-- shown less the longest a writing transaction can take (statement_timeout, and a second): a change not
-- yet committed when this was read began after it, so the next delta has it (and repeats the last
-- few seconds' changes: apply by id). From the files shown, not the clock, so an unchanged list keeps
-- its body and its ETag (304). The epoch when nothing is shown.
--
-- One statement builds the page's text (issue 25 §2, the inbox as fast as a read). An item without
-- `received` is file_json_with's object, its officers in officers_json's order. An item with `received`
-- has always been that object made jsonb with `received` added (file_json_with(..)::jsonb || ..)::json,
-- so its text is jsonb's: keys shortest first, then bytewise, `"key": value`; that text is written here
-- directly (the same keys as file_json_with, in that order; tests/api/test_list_paths.py checks it
-- against the jsonb way), instead of building json, parsing it into jsonb and printing it again, and
-- each item's officers are taken from the page's (people, people_sorted) instead of a json_each of the
-- whole map a file. Strings a CHECK limits to a few words or [A-Z0-9-] (status, priority,
-- classification, section, decision, action) are quoted as they are; every other string goes through
-- to_json (escape_json, as jsonb prints it). The items are joined as text and parsed once as json.
-- PostgreSQL's CPU an inbox page of 20 received files (bench/README.md, issue 25): 0.87-1.12 ms before,
-- 0.52-0.72 after, of which 0.12-0.25 is the transaction and the page's index range.
CREATE OR REPLACE FUNCTION {schema}.files_page(p_found {schema}.files[], p_limit integer) RETURNS json
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    v_shown {schema}.files[] := p_found[1:p_limit];
    v_last {schema}.files := p_found[p_limit];
BEGIN
    RETURN (
        WITH shown AS MATERIALIZED (
            SELECT s.i, s.f, g.from_uid, g.on_behalf_of, g.received
            FROM (SELECT i, v_shown[i] AS f FROM generate_subscripts(v_shown, 1) i) s
            -- `received` as jsonb prints it (at, from, action, opened, remarks, due_date, opened_at,
            -- on_behalf_of); the LIMITs keep each lookup a probe of its index a file
            LEFT JOIN LATERAL (
                SELECT m.from_uid, m.on_behalf_of,
                       '{"at": "' || to_char(m.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                       || '", "from": ' || to_json(m.from_uid)::text
                       || ', "action": "' || m.action
                       || '", "opened": ' || CASE WHEN o.seq IS NULL THEN 'false' ELSE 'true' END
                       || ', "remarks": ' || to_json(m.remarks)::text
                       || ', "due_date": ' || coalesce(to_json(m.due_date)::text, 'null')
                       || ', "opened_at": '
                       || coalesce('"' || to_char(o.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"', 'null')
                       || ', "on_behalf_of": ' || coalesce(to_json(m.on_behalf_of)::text, 'null') || '}' AS received
                FROM (SELECT mv.seq, mv.from_uid, mv.on_behalf_of, mv.action, mv.at, mv.remarks, mv.due_date
                      FROM {schema}.movements mv
                      WHERE mv.file_id = (s.f).id AND mv.to_uid = (s.f).holder
                        AND mv.action IN ('create', 'forward', 'return', 'recall', 'reopen', 'handover')
                      ORDER BY mv.seq DESC LIMIT 1) m
                LEFT JOIN LATERAL (SELECT o.seq, o.at FROM {schema}.file_opens o
                                   WHERE o.file_id = (s.f).id AND o.uid = (s.f).holder AND o.seq >= m.seq
                                   LIMIT 1) o ON true
                WHERE {schema}.acts_for((s.f).holder)) g ON true),
        -- the page's officers in officers_json's order: what an item without `received` shows
        people AS MATERIALIZED (
            SELECT e.key AS uid, e.value AS officer
            FROM json_each({schema}.officers_json(ARRAY(
                     SELECT u FROM shown s, unnest(ARRAY[(s.f).created_by, (s.f).holder, (s.f).decided_by,
                                                         s.from_uid, s.on_behalf_of]) u))) e),
        -- the same, as jsonb prints a map of them: '"uid": {"name": .., "designation": ..}' in its key order
        people_sorted AS MATERIALIZED (
            SELECT p.uid, to_json(p.uid)::text || ': ' || (p.officer::jsonb)::text AS officer
            FROM people p
            ORDER BY octet_length(p.uid), p.uid COLLATE "C"),
        items AS (
            SELECT s.i, CASE WHEN s.received IS NULL THEN {schema}.file_json_with(s.f, (
                                 SELECT coalesce(json_object_agg(p.uid, p.officer), '{}'::json) FROM people p
                                 WHERE p.uid IN ((s.f).created_by, (s.f).holder, (s.f).decided_by)))::text
                        ELSE '{"id": "' || (s.f).id
                             || '", "holder": ' || to_json((s.f).holder)::text
                             || ', "status": "' || (s.f).status
                             || '", "head_id": ' || coalesce('"' || (s.f).head_id || '"', 'null')
                             || ', "part_no": ' || coalesce((s.f).part_no::text, 'null')
                             || ', "section": "' || (s.f).section
                             || '", "subject": ' || to_json((s.f).subject)::text
                             || ', "version": ' || (s.f).version
                             || ', "category": ' || to_json((s.f).category)::text
                             || ', "decision": ' || coalesce('"' || (s.f).decision || '"', 'null')
                             || ', "officers": {' || coalesce((SELECT string_agg(p.officer, ', ') FROM people_sorted p
                                                               WHERE p.uid IN ((s.f).created_by, (s.f).holder,
                                                                               (s.f).decided_by, s.from_uid,
                                                                               s.on_behalf_of)), '')
                             || '}, "priority": "' || (s.f).priority
                             || '", "received": ' || s.received
                             || ', "merged_at": ' || coalesce('"' || to_char((s.f).merged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"', 'null')
                             || ', "parent_id": ' || coalesce('"' || (s.f).parent_id || '"', 'null')
                             || ', "created_at": "' || to_char((s.f).created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                             || '", "created_by": ' || to_json((s.f).created_by)::text
                             || ', "decided_at": ' || coalesce('"' || to_char((s.f).decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"', 'null')
                             || ', "decided_by": ' || coalesce(to_json((s.f).decided_by)::text, 'null')
                             || ', "updated_at": "' || to_char((s.f).updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                             || '", "file_number": ' || to_json((s.f).file_number)::text
                             || ', "overdue_since": ' || coalesce('"' || to_char((s.f).overdue_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"', 'null')
                             || ', "classification": "' || (s.f).classification || '"}' END AS item
            FROM shown s)
        SELECT json_build_object(
            'items', ('[' || coalesce((SELECT string_agg(t.item, ', ' ORDER BY t.i) FROM items t), '') || ']')::json,
            'synced_at', to_char(coalesce((SELECT max((s.f).updated_at) FROM shown s)
                                          - current_setting('statement_timeout')::interval - interval '1 second',
                                          'epoch'::timestamptz) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            'next_cursor', CASE WHEN cardinality(p_found) > p_limit
                                THEN (extract(epoch FROM v_last.updated_at) * 1000000)::bigint || '_' || v_last.id END));
END
$$;
