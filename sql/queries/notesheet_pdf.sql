-- notesheet_pdf: what the printable notesheet shows of a file the caller may see (lib/files/notesheet.c):
-- the file, its notes as notes_list shows them (final ones, and the caller's own drafts) with their
-- signatures, its track, and `officers` naming every UID of them; at most $2 notes and $2 movements, one
-- more of either when there are more (the handler then refuses the print), and `bytes`, the notes' text
-- in bytes. Printing a confidential or secret notesheet is audited (notesheet.print), as reading it is.
SELECT json_build_object(
       'file', {schema}.file_json(f),
       'notes', coalesce(n.items, '[]'::json),
       'bytes', coalesce(n.bytes, 0),
       'movements', coalesce(m.items, '[]'::json),
       'officers', {schema}.officers_json(coalesce(n.authors, '{}') || coalesce(m.uids, '{}')))
FROM {schema}.visible_file($1::uuid, 'notesheet.print') f
CROSS JOIN LATERAL (
    SELECT json_agg({schema}.note_json(p.note) ORDER BY (p.note).n) AS items,
           sum(octet_length((p.note).body)) AS bytes,
           array_agg((p.note).author) || array_agg(s.uid) AS authors
    FROM (SELECT x AS note
          FROM {schema}.notes x
          WHERE x.file_id = f.id AND (x.status = 'final' OR x.author = {schema}.me())
          ORDER BY x.n
          LIMIT $2::int + 1) p
    LEFT JOIN {schema}.note_signatures s ON s.file_id = (p.note).file_id AND s.n = (p.note).n) n
CROSS JOIN LATERAL (
    SELECT json_agg(json_build_object(
               'seq', t.seq, 'action', t.action, 'from', t.from_uid, 'to', t.to_uid, 'remarks', t.remarks,
               'due_date', t.due_date, 'on_behalf_of', t.on_behalf_of,
               'at', to_char(t.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) ORDER BY t.seq) AS items,
           array_agg(t.from_uid) || array_agg(t.to_uid) || array_agg(t.on_behalf_of) AS uids
    FROM (SELECT * FROM {schema}.movements x WHERE x.file_id = f.id ORDER BY x.seq LIMIT $2::int + 1) t) m
WHERE f.id IS NOT NULL
