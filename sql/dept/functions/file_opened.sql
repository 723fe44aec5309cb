-- file_opened: the holder has opened file p_id (sql/queries/file_get.sql calls it when the caller holds
-- the file): file_opens keeps the seq of its last movement, so the inbox item shows `received.opened`
-- until the file moves again. Writes only when the seq grows (a second reading changes nothing), and
-- then only touches the row: ON CONFLICT DO UPDATE locks the row it meets even when its WHERE is false,
-- which made every later read by the holder a write (a transaction id, a commit record and its WAL
-- flush; bench/run's read-file at 540-730 req/s against 8,400-9,000 for its 404s), so a row already at
-- the seq is found first and nothing is inserted.
CREATE OR REPLACE FUNCTION {schema}.file_opened(p_id uuid, p_uid text) RETURNS boolean
LANGUAGE sql AS $$
    INSERT INTO {schema}.file_opens AS o (file_id, uid, seq)
    SELECT p_id, p_uid, m.seq
    FROM (SELECT max(seq) AS seq FROM {schema}.movements WHERE file_id = p_id) m
    WHERE NOT EXISTS (SELECT 1 FROM {schema}.file_opens x WHERE x.file_id = p_id AND x.uid = p_uid AND x.seq >= m.seq)
    ON CONFLICT (file_id, uid) DO UPDATE SET seq = excluded.seq, at = now() WHERE o.seq < excluded.seq
    RETURNING true
$$;
