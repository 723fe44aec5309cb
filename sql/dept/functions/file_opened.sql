-- file_opened: the holder has opened file p_id (sql/queries/file_get.sql calls it when the caller holds
-- the file): file_opens keeps the seq of its last movement, so the inbox item shows `received.opened`
-- until the file moves again. Writes only when the seq grows (a second reading changes nothing), and
-- then only touches the row: ON CONFLICT DO UPDATE locks the row it meets even when its WHERE is false,
-- which made every later read by the holder a write (a transaction id, a commit record and its WAL
-- flush; bench/run's read-file at 540-730 req/s against 8,400-9,000 for its 404s), so a row already at
-- the seq is found first and nothing is inserted.
-- plpgsql, not sql: an SQL function that writes is not inlined, and its INSERT was planned again at
-- every call (file_get of a held file 0.435 ms of PostgreSQL a transaction against 0.202 with this
-- body, pgbench on bench/'s data, one client; 0.154 for a 404): here the plans are kept per connection.
CREATE OR REPLACE FUNCTION {schema}.file_opened(p_id uuid, p_uid text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_seq integer;
    v_done boolean;
BEGIN
    SELECT max(m.seq) INTO v_seq FROM {schema}.movements m WHERE m.file_id = p_id;
    IF v_seq IS NULL OR EXISTS (SELECT 1 FROM {schema}.file_opens x
                                WHERE x.file_id = p_id AND x.uid = p_uid AND x.seq >= v_seq) THEN
        RETURN NULL;
    END IF;
    INSERT INTO {schema}.file_opens AS o (file_id, uid, seq) VALUES (p_id, p_uid, v_seq)
    ON CONFLICT (file_id, uid) DO UPDATE SET seq = excluded.seq, at = now() WHERE o.seq < excluded.seq
    RETURNING true INTO v_done;
    RETURN v_done;
END
$$;
