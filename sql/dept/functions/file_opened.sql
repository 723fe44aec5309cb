-- file_opened: the holder has opened file p_id (sql/queries/file_get.sql calls it when the caller holds
-- the file): file_opens keeps the seq of its last movement, so the inbox item shows `received.opened`
-- until the file moves again. Writes only when the seq grows (a second reading changes nothing).
CREATE OR REPLACE FUNCTION {schema}.file_opened(p_id uuid, p_uid text) RETURNS boolean
LANGUAGE sql AS $$
    INSERT INTO {schema}.file_opens AS o (file_id, uid, seq)
    SELECT p_id, p_uid, max(m.seq) FROM {schema}.movements m WHERE m.file_id = p_id
    ON CONFLICT (file_id, uid) DO UPDATE SET seq = excluded.seq, at = now() WHERE o.seq < excluded.seq
    RETURNING true
$$;
