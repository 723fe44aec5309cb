-- sync_mark: the `synced_at` of a list with delta sync (issue 26; listReceipts, listDispatches,
-- listLeave): what the client passes as `updated_since` next. The newest change shown less the longest
-- a writing transaction may take (statement_timeout, and a second): a change not yet committed when the
-- list was read began after it, so the next delta has it (and repeats the last few seconds' changes:
-- clients apply by id). From the rows shown, not the clock, so an unchanged list keeps its body and its
-- ETag (304); never before the `updated_since` asked with (p_since, '' = none); the epoch when nothing
-- is shown. (files_page computes listFiles' the same way, inline.)
CREATE OR REPLACE FUNCTION daftar.sync_mark(p_newest timestamptz, p_since text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT to_char(greatest(p_newest - current_setting('statement_timeout')::interval - interval '1 second',
                            CASE WHEN p_since <> '' THEN p_since::timestamptz END, 'epoch'::timestamptz)
                   AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;
GRANT EXECUTE ON FUNCTION daftar.sync_mark(timestamptz, text) TO daftar_api, daftar_dept, daftar_state;
