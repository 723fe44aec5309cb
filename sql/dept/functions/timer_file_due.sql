-- timer_file_due: the action of a file_due timer (set by file_move when a
-- file is forwarded or returned with a due date): the due date has passed
-- and the file is still where that movement (payload seq) put it, so it is
-- overdue: overdue_since, a new version, an audit event by 'timer' and a
-- live event to the holder.
CREATE OR REPLACE FUNCTION {schema}.timer_file_due(t {schema}.timers) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    f {schema}.files;
    v_last {schema}.movements;
BEGIN
    SELECT * INTO f FROM {schema}.files WHERE id = t.subject FOR UPDATE;
    SELECT * INTO v_last FROM {schema}.movements WHERE file_id = t.subject ORDER BY seq DESC LIMIT 1;
    IF NOT FOUND OR f.status = 'closed' OR f.overdue_since IS NOT NULL OR v_last.seq <> (t.payload ->> 'seq')::integer THEN
        RETURN;
    END IF;
    UPDATE {schema}.files SET overdue_since = t.due_at, version = version + 1 WHERE id = t.subject;
    PERFORM {schema}.audit('file.overdue', t.subject, json_build_object('holder', f.holder, 'due_date', v_last.due_date));
    PERFORM {schema}.event_publish('file.overdue', t.subject, ARRAY[f.holder],
                                   jsonb_build_object('file_id', t.subject, 'due_date', v_last.due_date));
END
$$;
