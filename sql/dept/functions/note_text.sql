-- note_text: the function in force. `daftar migrate` re-applies this file
-- when it changes; earlier bodies are history in sql/dept/ 0003, 0005.
-- 0005_approval: digital signatures on notes, approve / reject, file edits.
--
-- A note's hash no longer covers the moment it became final, so a draft has
-- its hash before it is final: the officer signs that hash (a detached CMS
-- signature over the 64 hex characters), and signing makes the note and the
-- drafts before it final. Drafts are re-chained whenever one is added,
-- edited or deleted. (Final notes written under 0003's hash would no longer
-- verify; there are none outside test clusters.)
CREATE OR REPLACE FUNCTION {schema}.note_text(x {schema}.notes) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws('|', x.file_id, x.n, x.author,
                     to_char(x.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), x.body)
$$;
